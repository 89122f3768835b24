package org.onecexporter.extension.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Holds the extension's BSL to what UNF does at run time when our code calls it, with the facts of every release in
 * metadata/*.json (fillChecking, restrictedRights, closedPeriodControl, attributes). Name checks cannot see these: a
 * module can name only existing metadata and still write an invoice an accountant cannot post.
 *
 * <p>Rules, each checked method by method on the code with comments removed:
 * <ul>
 *   <li>fill-check: an object created with СоздатьДокумент()/СоздатьЭлемент() whose metadata requires attributes
 *       (FillChecking = ShowError) is written only after {@code X.ПроверитьЗаполнение()} in the same method: a write
 *       from code does not run ОбработкаПроверкиЗаполнения.</li>
 *   <li>closed-period: a document under closed-period control is written only after
 *       {@code ДатыЗапретаИзменения.ИзменениеЗапрещено(X, ...)} in the same method: the refusal would otherwise be an
 *       exception (a 500 the exporter retries for ever).</li>
 *   <li>allowed-only: a query over an object whose Read right carries a record-level restriction in any role
 *       selects with РАЗРЕШЕННЫЕ: without it a hidden row raises an access error.</li>
 *   <li>blockers-visible: a query that reads a filter criterion (the documents based on an object, read before the
 *       object is marked for deletion) selects without РАЗРЕШЕННЫЕ, whatever it reads: a hidden payment must fail
 *       the query (the invoice is left as it is), never be skipped. allowed-only does not apply to it.</li>
 *   <li>no-address-recognition: УправлениеКонтактнойИнформацией.ДобавитьКонтактнуюИнформацию gets a JSON value made
 *       by a function of the module that starts from ОписаниеНовойКонтактнойИнформации (directly, or through a
 *       variable assigned from such a call), never a raw string: a raw address is recognised through the
 *       classifier's web service (a network call inside our locks).</li>
 *   <li>discounts-final: a document with СкидкиРассчитаны is written after {@code X.СкидкиРассчитаны = Истина}.</li>
 *   <li>currency-checked: a document with ВалютаДокумента is written after a condition reads
 *       {@code X.ВалютаДокумента} (a contract in another currency re-labels rouble amounts).</li>
 *   <li>contract-organisation: a document whose Договор and Организация are both set is written after a condition
 *       reads {@code X.Договор.Организация}.</li>
 *   <li>vat-2026: a module that takes rates from Справочники.СтавкиНДС.СтавкаНДС compares the general rate of a date
 *       from 2026-01-01 with 22 (the public releases answer 20 for every date).</li>
 *   <li>phone-equality: ОбратныйНомерТелефона is compared with =, never ПОДОБНО/LIKE, and a query choosing a buyer
 *       among Справочник.Контрагенты leaves out Недействителен ones where the catalog has that attribute.</li>
 *   <li>deletion-mark: {@code X.УстановитьПометкуУдаления(...)} comes after, in the same method, a call of a module
 *       procedure that takes an exclusive managed lock, a call of a module function that queries a filter criterion
 *       of UNF (the documents based on X: КритерийОтбора.Y, present in every release), {@code
 *       ДатыЗапретаИзменения.ИзменениеЗапрещено(X)} and {@code УправлениеДоступом.ИзменениеРазрешено(X)}: UNF's
 *       subscription would otherwise raise in a closed period (a 500 retried for ever), and an invoice with a
 *       payment or a shipment on it would be marked behind the accountant's back.</li>
 * </ul>
 */
public final class RunTimeChecker {

  /**
   * БСП's description of a new contact information value (УправлениеКонтактнойИнформациейКлиентСервер): a JSON value
   * built from it is stored as it is, while a plain string is recognised (the classifier's web service).
   */
  static final String PREPARED_VALUE = "ОписаниеНовойКонтактнойИнформации";

  private final List<Manifest> manifests = new ArrayList<>();

  public RunTimeChecker(Path metadataDir) throws IOException {
    try (Stream<Path> files = Files.list(metadataDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().matches("unf-.*\\.json")).sorted().toList()) {
        manifests.add(Manifest.read(f));
      }
    }
  }

  /** A method of the module: its name, first line and code lines (comments blanked, strings kept). */
  public record Method(String name, int firstLine, List<String> lines) {
    String code() {
      return String.join("\n", lines);
    }
  }

  public List<Finding> check(String file, String text) {
    List<Finding> out = new ArrayList<>();
    List<String> code = withoutComments(text);
    List<Method> methods = methods(code);
    List<String> builders = methods.stream().filter(m -> m.code().contains(PREPARED_VALUE + "(")).map(Method::name)
        .toList();
    for (Method m : methods) {
      checkMarks(file, m, methods, out);
      checkWrites(file, m, out);
      checkQueries(file, m, out);
      checkContactInformation(file, m, builders, out);
    }
    checkVat2026(file, code, out);
    return out;
  }

  // --- writes of created objects ---

  private static final Pattern CREATED = Pattern.compile(
      "(?u)([\\p{L}_][\\p{L}\\p{N}_]*)\\s*=\\s*(Документы|Справочники)\\.([\\p{L}\\p{N}_]+)\\.(СоздатьДокумент|СоздатьЭлемент)\\(");

  private void checkWrites(String file, Method m, List<Finding> out) {
    Map<String, String> created = new LinkedHashMap<>();
    for (String line : m.lines()) {
      Matcher c = CREATED.matcher(line);
      while (c.find()) {
        created.put(c.group(1), (c.group(2).equals("Документы") ? "Документ." : "Справочник.") + c.group(3));
      }
    }
    created.forEach((variable, object) -> {
      int write = firstLine(m, Pattern.compile("(?u)(?<![\\p{L}\\p{N}_.])" + Pattern.quote(variable) + "\\.Записать\\("));
      if (write < 0) {
        return;
      }
      String v = Pattern.quote(variable);
      SortedSet<String> required = required(object);
      if (!required.isEmpty()
          && !before(m, write, "(?u)(?<![\\p{L}\\p{N}_.])" + v + "\\.ПроверитьЗаполнение\\(")) {
        out.add(new Finding(file, m.firstLine() + write, "fill-check: " + object + " is written without "
            + variable + ".ПроверитьЗаполнение(): a save by a user requires " + String.join(", ", required)
            + releases()));
      }
      if (underClosedPeriodControl(object)
          && !before(m, write, "ДатыЗапретаИзменения\\.ИзменениеЗапрещено\\(\\s*" + v + "(?![\\p{L}\\p{N}_])")) {
        out.add(new Finding(file, m.firstLine() + write, "closed-period: " + object + " is under closed-period"
            + " control and is written without ДатыЗапретаИзменения.ИзменениеЗапрещено(" + variable + ", ...)"
            + releases()));
      }
      if (hasAttribute(object, "СкидкиРассчитаны")
          && !before(m, write, "(?u)(?<![\\p{L}\\p{N}_.])" + v + "\\.СкидкиРассчитаны\\s*=\\s*Истина")) {
        out.add(new Finding(file, m.firstLine() + write, "discounts-final: " + object + " is written without "
            + variable + ".СкидкиРассчитаны = Истина: a later save recalculates automatic discounts" + releases()));
      }
      if (hasAttribute(object, "ВалютаДокумента")
          && !before(m, write, "(?u)(Если|ИначеЕсли)(?![\\p{L}\\p{N}_])[^;]*" + v + "\\.ВалютаДокумента(?![\\p{L}\\p{N}_])")) {
        out.add(new Finding(file, m.firstLine() + write, "currency-checked: " + object + " is written without a"
            + " condition on " + variable + ".ВалютаДокумента: a contract in another currency sets it" + releases()));
      }
      if (hasAttribute(object, "Договор") && hasAttribute(object, "Организация")
          && !before(m, write, "(?u)(Если|ИначеЕсли)(?![\\p{L}\\p{N}_])[^;]*" + v + "\\.Договор\\.Организация(?![\\p{L}\\p{N}_])")) {
        out.add(new Finding(file, m.firstLine() + write, "contract-organisation: " + object + " is written without"
            + " a condition on " + variable + ".Договор.Организация: a buyer's first contract belongs to another"
            + " organisation" + releases()));
      }
    });
  }

  // --- deletion marks ---

  private static final Pattern MARK = Pattern.compile(
      "(?u)(?<![\\p{L}\\p{N}_.])([\\p{L}_][\\p{L}\\p{N}_]*)\\.УстановитьПометкуУдаления\\(");
  private static final Pattern CRITERION = Pattern.compile("(?u)КритерийОтбора\\.([\\p{L}\\p{N}_]+)\\(");

  private void checkMarks(String file, Method m, List<Method> methods, List<Finding> out) {
    for (int i = 0; i < m.lines().size(); i++) {
      Matcher mark = MARK.matcher(m.lines().get(i));
      if (!mark.find()) {
        continue;
      }
      String variable = mark.group(1);
      String v = Pattern.quote(variable);
      int line = m.firstLine() + i;
      List<String> missing = new ArrayList<>();
      if (!callsBefore(m, i, methods, body -> body.contains("РежимБлокировкиДанных.Исключительный"))) {
        missing.add("a call of a procedure that takes an exclusive managed lock");
      }
      if (!callsBefore(m, i, methods, body -> {
        Matcher c = CRITERION.matcher(body);
        while (c.find()) {
          String key = "КритерийОтбора." + c.group(1);
          if (manifests.stream().allMatch(mf -> mf.objects().get(key) != null)) {
            return true;
          }
        }
        return false;
      })) {
        missing.add("a query of the documents based on it (a filter criterion of UNF, КритерийОтбора.X, present in"
            + " every release" + releases() + ")");
      }
      if (!before(m, i, "ДатыЗапретаИзменения\\.ИзменениеЗапрещено\\(\\s*" + v + "(?![\\p{L}\\p{N}_])")) {
        missing.add("ДатыЗапретаИзменения.ИзменениеЗапрещено(" + variable + ")");
      }
      if (!before(m, i, "УправлениеДоступом\\.ИзменениеРазрешено\\(\\s*" + v + "(?![\\p{L}\\p{N}_])")) {
        missing.add("УправлениеДоступом.ИзменениеРазрешено(" + variable + ")");
      }
      if (!missing.isEmpty()) {
        out.add(new Finding(file, line, "deletion-mark: " + variable + " is marked for deletion without "
            + String.join(", ", missing) + " before it in " + m.name()));
      }
    }
  }

  /** A line before {@code index} calls a method of the module whose code satisfies {@code body}. */
  private static boolean callsBefore(Method m, int index, List<Method> methods,
      java.util.function.Predicate<String> body) {
    String before = String.join("\n", m.lines().subList(0, index));
    for (Method callee : methods) {
      if (callee != m && body.test(callee.code())
          && Pattern.compile("(?u)(?<![\\p{L}\\p{N}_.])" + Pattern.quote(callee.name()) + "\\(").matcher(before).find()) {
        return true;
      }
    }
    return false;
  }

  // --- query texts ---

  private static final Pattern SOURCE = Pattern.compile(
      "(?iu)(?<![\\p{L}\\p{N}_.])(Справочник|Документ|РегистрСведений)\\.([\\p{L}\\p{N}_]+)");

  private void checkQueries(String file, Method m, List<Finding> out) {
    for (int[] range : queryTexts(m)) {
      String query = String.join("\n", m.lines().subList(range[0], range[1] + 1));
      String upper = query.toUpperCase(Locale.ROOT);
      SortedSet<String> restricted = new TreeSet<>();
      Matcher s = SOURCE.matcher(query);
      while (s.find()) {
        String key = capital(s.group(1)) + "." + s.group(2);
        if (readRestricted(key)) {
          restricted.add(key);
        }
      }
      int line = m.firstLine() + range[0];
      boolean allowed = Pattern.compile("(?u)ВЫБРАТЬ\\s+(РАЗЛИЧНЫЕ\\s+)?РАЗРЕШЕННЫЕ(?![\\p{L}\\p{N}_])"
          + "|SELECT\\s+(DISTINCT\\s+)?ALLOWED(?![\\p{L}\\p{N}_])").matcher(upper).find();
      if (upper.contains("КРИТЕРИЙОТБОРА.")) {
        // The documents based on an invoice, read before it is marked: a hidden one must fail the query.
        if (allowed) {
          out.add(new Finding(file, line, "blockers-visible: a query of the documents based on an object"
              + " (КритерийОтбора) selects with РАЗРЕШЕННЫЕ: a payment the user may not see would be skipped and the"
              + " invoice marked; without it a hidden row fails the query"));
        }
      } else if (!restricted.isEmpty() && !allowed) {
        out.add(new Finding(file, line, "allowed-only: a query over " + String.join(", ", restricted)
            + " (Read under a record-level restriction) selects without РАЗРЕШЕННЫЕ" + releases()));
      }
      if (Pattern.compile("(?u)ОБРАТНЫЙНОМЕРТЕЛЕФОНА\\s+(ПОДОБНО|LIKE)(?![\\p{L}\\p{N}_])").matcher(upper).find()) {
        out.add(new Finding(file, line, "phone-equality: ОбратныйНомерТелефона compared with ПОДОБНО: a shorter"
            + " number's prefix matches other people's numbers"));
      }
      if (upper.contains("СПРАВОЧНИК.КОНТРАГЕНТЫ") && upper.contains("ОБРАТНЫЙНОМЕРТЕЛЕФОНА")
          && hasAttribute("Справочник.Контрагенты", "Недействителен") && !upper.contains(".НЕДЕЙСТВИТЕЛЕН")) {
        out.add(new Finding(file, line, "phone-equality: a buyer is chosen among Справочник.Контрагенты without"
            + " leaving out Недействителен ones" + releases()));
      }
    }
  }

  /** Line ranges (inclusive, relative to the method) of string literals that hold a query text. */
  private static List<int[]> queryTexts(Method m) {
    List<int[]> out = new ArrayList<>();
    List<String> lines = m.lines();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.contains("\"ВЫБРАТЬ") || l.contains("\"SELECT")) {
        int end = i;
        while (end + 1 < lines.size() && lines.get(end + 1).strip().startsWith("|")) {
          end++;
        }
        out.add(new int[] {i, end});
        i = end;
      }
    }
    return out;
  }

  // --- contact information ---

  private static final Pattern ADD_CI = Pattern.compile(
      "(?u)УправлениеКонтактнойИнформацией\\.ДобавитьКонтактнуюИнформацию\\(\\s*[^,]+,\\s*([^,)]+)");

  private void checkContactInformation(String file, Method m, List<String> builders, List<Finding> out) {
    for (int i = 0; i < m.lines().size(); i++) {
      Matcher a = ADD_CI.matcher(m.lines().get(i));
      if (!a.find()) {
        continue;
      }
      String value = a.group(1).strip();
      boolean prepared = false;
      for (String builder : builders) {
        prepared |= value.startsWith(builder + "(") || (value.matches("(?u)[\\p{L}_][\\p{L}\\p{N}_]*")
            && before(m, i, "(?u)(?<![\\p{L}\\p{N}_.])" + Pattern.quote(value) + "\\s*=\\s*"
                + Pattern.quote(builder) + "\\("));
      }
      if (!prepared) {
        out.add(new Finding(file, m.firstLine() + i, "no-address-recognition: ДобавитьКонтактнуюИнформацию gets "
            + value + ", not a JSON value built from " + PREPARED_VALUE + "(): a plain string is recognised through"
            + " the address classifier's web service"));
      }
    }
  }

  // --- VAT from 2026 ---

  private void checkVat2026(String file, List<String> code, List<Finding> out) {
    String all = String.join("\n", code);
    int uses = indexLine(code, "Справочники.СтавкиНДС.СтавкаНДС(");
    if (uses < 0) {
      return;
    }
    boolean compares = all.contains("Дата(2026, 1, 1)") && all.contains("ВидыСтавокНДС.Общая")
        && Pattern.compile("(?<![\\d.])22(?![\\d.])").matcher(all).find();
    if (!compares) {
      out.add(new Finding(file, uses + 1, "vat-2026: rates come from Справочники.СтавкиНДС.СтавкаНДС but the"
          + " general rate of a date from Дата(2026, 1, 1) is never compared with 22: the public releases answer 20"));
    }
  }

  // --- facts ---

  private SortedSet<String> required(String object) {
    SortedSet<String> out = new TreeSet<>();
    for (Manifest mf : manifests) {
      mf.runTime().fillChecking().forEach((key, attrs) -> {
        if (key.equals(object)) {
          out.addAll(attrs);
        } else if (key.startsWith(object + ".")) {
          attrs.forEach(a -> out.add(key.substring(object.length() + 1) + "." + a));
        }
      });
    }
    return out;
  }

  private boolean underClosedPeriodControl(String object) {
    return manifests.stream().anyMatch(mf -> mf.runTime().closedPeriodControl().contains(object));
  }

  private boolean readRestricted(String object) {
    return manifests.stream().anyMatch(mf -> mf.runTime().restrictedRights().values().stream()
        .anyMatch(byObject -> byObject.getOrDefault(object, new TreeSet<>()).contains("Read")));
  }

  private boolean hasAttribute(String object, String attribute) {
    return manifests.stream().anyMatch(mf -> {
      Manifest.MdObject o = mf.objects().get(object);
      return o != null && o.attributes() != null && o.attributes().containsKey(attribute);
    });
  }

  private String releases() {
    return " (" + String.join(", ", manifests.stream().map(Manifest::release).sorted().toList()) + ")";
  }

  // --- text helpers ---

  private static String capital(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    return Character.toUpperCase(k.charAt(0)) + k.substring(1).replace("сведений", "Сведений");
  }

  private static int firstLine(Method m, Pattern p) {
    for (int i = 0; i < m.lines().size(); i++) {
      if (p.matcher(m.lines().get(i)).find()) {
        return i;
      }
    }
    return -1;
  }

  /** A line before {@code index} (or the code before the match on that line) matches the pattern. */
  private static boolean before(Method m, int index, String regex) {
    Pattern p = Pattern.compile(regex);
    String joined = String.join("\n", m.lines().subList(0, index));
    return p.matcher(joined).find();
  }

  private static int indexLine(List<String> code, String fragment) {
    for (int i = 0; i < code.size(); i++) {
      if (code.get(i).contains(fragment)) {
        return i;
      }
    }
    return -1;
  }

  /** The module's lines with // comments blanked (strings, multi-line ones included, are kept). */
  public static List<String> withoutComments(String text) {
    List<String> out = new ArrayList<>();
    boolean inString = false;
    for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
      StringBuilder b = new StringBuilder();
      int i = 0;
      if (inString) {
        String t = line.strip();
        if (!t.startsWith("|")) {
          inString = false;
        }
      }
      while (i < line.length()) {
        char ch = line.charAt(i);
        if (inString) {
          b.append(ch);
          if (ch == '"') {
            if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
              b.append('"');
              i += 2;
              continue;
            }
            inString = false;
          }
          i++;
        } else if (ch == '"') {
          inString = true;
          b.append(ch);
          i++;
        } else if (ch == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
          break;
        } else {
          b.append(ch);
          i++;
        }
      }
      out.add(b.toString());
    }
    return out;
  }

  private static final Pattern START = Pattern.compile(
      "(?iu)^\\s*(?:&[\\p{L}]+\\s*)?(?:Асинх\\s+)?(Процедура|Функция|Procedure|Function)\\s+([\\p{L}\\p{N}_]+)\\s*\\(");
  private static final Pattern END = Pattern.compile(
      "(?iu)^\\s*(КонецПроцедуры|КонецФункции|EndProcedure|EndFunction)(?![\\p{L}\\p{N}_])");

  public static List<Method> methods(List<String> code) {
    List<Method> out = new ArrayList<>();
    String name = null;
    int first = 0;
    List<String> body = null;
    for (int i = 0; i < code.size(); i++) {
      String line = code.get(i);
      Matcher s = START.matcher(line);
      if (name == null && s.find()) {
        name = s.group(2);
        first = i + 1;
        body = new ArrayList<>();
        body.add(line);
      } else if (name != null) {
        body.add(line);
        if (END.matcher(line).find()) {
          out.add(new Method(name, first, body));
          name = null;
        }
      }
    }
    return out;
  }
}
