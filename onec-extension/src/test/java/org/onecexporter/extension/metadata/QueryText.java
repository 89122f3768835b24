package org.onecexporter.extension.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.onecexporter.extension.metadata.Types.Alt;
import org.onecexporter.extension.metadata.Types.Meta;
import org.onecexporter.extension.metadata.Types.Row;
import org.onecexporter.extension.metadata.Types.Rows;
import org.onecexporter.extension.metadata.Types.Type;

/**
 * Checks one query text (the query language, SDBL) against the metadata: its sources (Справочник.X, Документ.X.ТЧ,
 * РегистрСведений.X and its virtual tables) with their aliases, every Alias.Field.Field chain in any clause, bare
 * fields of a single source, ЗНАЧЕНИЕ(...), ССЫЛКА and ТИП(...). Returns the columns of the last query of the
 * batch with their types, which flow to its result and selection.
 */
final class QueryText {

  record Tok(String text, int line, boolean ident) {
    String up() {
      return text.toUpperCase(Locale.ROOT);
    }
  }

  private static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("СПРАВОЧНИК", "Справочник"), Map.entry("CATALOG", "Справочник"),
      Map.entry("ДОКУМЕНТ", "Документ"), Map.entry("DOCUMENT", "Документ"),
      Map.entry("ПЕРЕЧИСЛЕНИЕ", "Перечисление"), Map.entry("ENUM", "Перечисление"),
      Map.entry("РЕГИСТРСВЕДЕНИЙ", "РегистрСведений"), Map.entry("INFORMATIONREGISTER", "РегистрСведений"),
      Map.entry("ПЛАНВИДОВХАРАКТЕРИСТИК", "ПланВидовХарактеристик"),
      Map.entry("КРИТЕРИЙОТБОРА", "КритерийОтбора"), Map.entry("FILTERCRITERION", "КритерийОтбора"),
      Map.entry("CHARTOFCHARACTERISTICTYPES", "ПланВидовХарактеристик"));

  private static final Set<String> KEYWORDS = Set.of(
      "ВЫБРАТЬ", "SELECT", "РАЗРЕШЕННЫЕ", "ALLOWED", "РАЗЛИЧНЫЕ", "DISTINCT", "ПЕРВЫЕ", "TOP", "ИЗ", "FROM", "ГДЕ",
      "WHERE", "И", "AND", "ИЛИ", "OR", "НЕ", "NOT", "В", "IN", "ИЕРАРХИИ", "HIERARCHY", "КАК", "AS", "ПО", "ON", "BY",
      "СОЕДИНЕНИЕ", "JOIN", "ВНУТРЕННЕЕ", "INNER", "ЛЕВОЕ", "LEFT", "ПРАВОЕ", "RIGHT", "ПОЛНОЕ", "FULL", "ВНЕШНЕЕ",
      "OUTER", "УПОРЯДОЧИТЬ", "ORDER", "СГРУППИРОВАТЬ", "GROUP", "ИМЕЮЩИЕ", "HAVING", "УБЫВ", "DESC", "ВОЗР", "ASC",
      "ОБЪЕДИНИТЬ", "UNION", "ВСЕ", "ALL", "ПОДОБНО", "LIKE", "СПЕЦСИМВОЛ", "ESCAPE", "МЕЖДУ", "BETWEEN", "ЕСТЬ",
      "IS", "NULL", "ИСТИНА", "TRUE", "ЛОЖЬ", "FALSE", "ВЫБОР", "CASE", "КОГДА", "WHEN", "ТОГДА", "THEN", "ИНАЧЕ",
      "ELSE", "КОНЕЦ", "END", "ПОМЕСТИТЬ", "INTO", "ИНДЕКСИРОВАТЬ", "INDEX", "ДЛЯ", "FOR", "ИЗМЕНЕНИЯ", "UPDATE",
      "ССЫЛКА", "REFS", "ЗНАЧЕНИЕ", "VALUE", "ТИП", "TYPE", "ВЫРАЗИТЬ", "CAST", "ЕСТЬNULL", "ISNULL", "СУММА", "SUM",
      "КОЛИЧЕСТВО", "COUNT", "МАКСИМУМ", "MAX", "МИНИМУМ", "MIN", "СРЕДНЕЕ", "AVG", "ПОДСТРОКА", "SUBSTRING", "ГОД",
      "YEAR", "МЕСЯЦ", "MONTH", "ДЕНЬ", "DAY", "НАЧАЛОПЕРИОДА", "BEGINOFPERIOD", "КОНЕЦПЕРИОДА", "ENDOFPERIOD",
      "ДАТАВРЕМЯ", "DATETIME", "ПРЕДСТАВЛЕНИЕ", "PRESENTATION", "ПРЕДСТАВЛЕНИЕССЫЛКИ", "REFPRESENTATION",
      "НЕОПРЕДЕЛЕНО", "UNDEFINED", "ДОБАВИТЬКДАТЕ", "DATEADD", "РАЗНОСТЬДАТ", "DATEDIFF", "СТРОКА", "STRING",
      "ЧИСЛО", "NUMBER", "БУЛЕВО", "BOOLEAN", "ДАТА", "DATE", "ВРЕГ", "UPPER", "НРЕГ", "LOWER", "СОКРЛП", "TRIMALL",
      "ДЛИНАСТРОКИ", "STRINGLENGTH", "ТИПЗНАЧЕНИЯ", "VALUETYPE", "ИТОГИ", "TOTALS", "ОБЩИЕ", "OVERALL", "ТОЛЬКО",
      "ONLY", "ПЕРИОДАМИ", "PERIODS", "АВТОУПОРЯДОЧИВАНИЕ", "AUTOORDER", "СТРНАЙТИ", "STRFIND", "СТРЗАМЕНИТЬ",
      "STRREPLACE", "ОКР", "ROUND", "ЦЕЛ", "INT", "ЧАС", "HOUR", "МИНУТА", "MINUTE", "СЕКУНДА", "SECOND", "КВАРТАЛ",
      "QUARTER", "НЕДЕЛЯ", "WEEK", "ДЕНЬГОДА", "DAYOFYEAR", "ДЕНЬНЕДЕЛИ", "WEEKDAY", "УНИЧТОЖИТЬ", "DROP");

  private final Resolver resolver;
  private final List<Tok> tokens = new ArrayList<>();

  QueryText(Resolver resolver, List<String> lines, List<Integer> lineNumbers) {
    this.resolver = resolver;
    for (int i = 0; i < lines.size(); i++) {
      tokenize(lines.get(i), lineNumbers.get(i));
    }
  }

  private void tokenize(String s, int line) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
        return;
      } else if (c == '"') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != '"') {
          j++;
        }
        tokens.add(new Tok(s.substring(i, Math.min(j + 1, s.length())), line, false));
        i = j + 1;
      } else if (Character.isLetter(c) || c == '_' || c == '&') {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        tokens.add(new Tok(s.substring(i, j), line, c != '&'));
        i = j;
      } else if (Character.isDigit(c)) {
        int j = i + 1;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        tokens.add(new Tok(s.substring(i, j), line, false));
        i = j;
      } else {
        tokens.add(new Tok(String.valueOf(c), line, false));
        i++;
      }
    }
  }

  /** Checks the text; returns the columns of its last query (null when they cannot be told). */
  Map<String, Type> check() {
    Map<String, Type> columns = null;
    int start = 0;
    for (int i = 0; i <= tokens.size(); i++) {
      if (i == tokens.size() || tokens.get(i).text().equals(";")) {
        if (i > start) {
          Map<String, Type> c = batch(tokens.subList(start, i));
          if (c != null) {
            columns = c;
          }
        }
        start = i + 1;
      }
    }
    return columns;
  }

  private boolean is(List<Tok> t, int i, String... words) {
    if (i < 0 || i >= t.size()) {
      return false;
    }
    for (String w : words) {
      if (t.get(i).up().equals(w)) {
        return true;
      }
    }
    return false;
  }

  /** One query of a batch: returns its columns, or null when it puts its result into a temporary table. */
  private Map<String, Type> batch(List<Tok> t) {
    Map<String, Type> aliases = new HashMap<>(); // alias (upper case) to the type of its rows; empty for derived
    Map<Integer, Integer> skip = new HashMap<>(); // token index to the index after a source name
    boolean into = false;
    for (int i = 0; i < t.size(); i++) {
      if (is(t, i, "ПОМЕСТИТЬ", "INTO")) {
        into = true;
      }
      if (!is(t, i, "ИЗ", "FROM", "СОЕДИНЕНИЕ", "JOIN") || is(t, i - 1, "УНИЧТОЖИТЬ")) {
        continue;
      }
      int j = i + 1;
      while (j < t.size()) {
        int end = source(t, j, aliases);
        skip.put(j, end);
        j = end;
        if (j < t.size() && t.get(j).text().equals(",") && is(t, i, "ИЗ", "FROM")) {
          j++;
        } else {
          break;
        }
      }
    }
    Map<String, Type> columns = new LinkedHashMap<>();
    Set<String> columnNames = new java.util.HashSet<>();
    collectColumnNames(t, columnNames);
    Map<Integer, Type> chainTypes = new HashMap<>();
    for (int i = 0; i < t.size(); i++) {
      if (skip.containsKey(i)) {
        i = skip.get(i) - 1;
        continue;
      }
      Tok tok = t.get(i);
      if (is(t, i, "ЗНАЧЕНИЕ", "VALUE") && is(t, i + 1, "(")) {
        i = value(t, i + 2);
        continue;
      }
      if (is(t, i, "ССЫЛКА", "REFS", "ТИП", "TYPE") && i + 1 < t.size()) {
        int k = is(t, i + 1, "(") ? i + 2 : i + 1;
        if (k + 2 < t.size() && KINDS.containsKey(t.get(k).up()) && t.get(k + 1).text().equals(".")) {
          resolver.object(KINDS.get(t.get(k).up()) + "." + t.get(k + 2).text(), t.get(k).line());
          i = k + 2;
        }
        continue;
      }
      if (!tok.ident() || KEYWORDS.contains(tok.up()) || is(t, i - 1, "КАК", "AS", ".", "ПОМЕСТИТЬ", "INTO")) {
        continue;
      }
      if (is(t, i + 1, "(")) {
        continue; // a function of the query language
      }
      // A chain: Alias.Field.Field or a bare field.
      List<Tok> chain = new ArrayList<>();
      chain.add(tok);
      int k = i;
      while (k + 2 < t.size() && t.get(k + 1).text().equals(".") && t.get(k + 2).ident()) {
        chain.add(t.get(k + 2));
        k += 2;
      }
      chainTypes.put(i, chain(chain, aliases, columnNames));
      i = k;
    }
    if (into) {
      return null;
    }
    selectList(t, chainTypes, columns);
    return columns;
  }

  /** Reads a source at j (name, optional virtual-table parameters, optional КАК, alias); returns the index after. */
  private int source(List<Tok> t, int j, Map<String, Type> aliases) {
    if (j >= t.size()) {
      return j;
    }
    if (t.get(j).text().equals("(")) { // a subquery: its own sources are read where they are
      int depth = 0;
      int k = j;
      for (; k < t.size(); k++) {
        if (t.get(k).text().equals("(")) {
          depth++;
        } else if (t.get(k).text().equals(")") && --depth == 0) {
          break;
        }
      }
      int a = is(t, k + 1, "КАК", "AS") ? k + 2 : k + 1;
      if (a < t.size() && t.get(a).ident()) {
        aliases.put(t.get(a).up(), Types.NONE);
      }
      return j + 1; // the subquery's tokens are read as part of the batch
    }
    List<String> name = new ArrayList<>();
    int k = j;
    name.add(t.get(k).text());
    while (k + 2 < t.size() && t.get(k + 1).text().equals(".") && t.get(k + 2).ident()) {
      name.add(t.get(k + 2).text());
      k += 2;
    }
    int line = t.get(j).line();
    k++;
    if (is(t, k, "(")) { // virtual table parameters: skipped (they may name fields, checked as chains would be)
      int depth = 0;
      for (; k < t.size(); k++) {
        if (t.get(k).text().equals("(")) {
          depth++;
        } else if (t.get(k).text().equals(")") && --depth == 0) {
          k++;
          break;
        }
      }
    }
    Type rows = sourceType(name, line);
    int a = is(t, k, "КАК", "AS") ? k + 1 : k;
    String alias = a < t.size() && t.get(a).ident() && !KEYWORDS.contains(t.get(a).up())
        ? t.get(a).text() : name.get(name.size() - 1);
    aliases.put(alias.toUpperCase(Locale.ROOT), rows);
    return a < t.size() && t.get(a).text().equalsIgnoreCase(alias) ? a + 1 : k;
  }

  private Type sourceType(List<String> name, int line) {
    String kind = KINDS.get(name.get(0).toUpperCase(Locale.ROOT));
    if (kind == null || name.size() < 2) {
      return Types.NONE; // a temporary table
    }
    String key = kind + "." + name.get(1);
    if (resolver.object(key, line) == null) {
      return Types.NONE;
    }
    if (kind.equals("КритерийОтбора")) {
      // Its one column, Ссылка, is any document of the criterion's content: the criterion's existence is checked,
      // the fields read through Ссылка are not (as for a temporary table).
      return Types.NONE;
    }
    if (name.size() == 2) {
      return Type.of(new Meta(kind.equals("РегистрСведений") ? "Record" : "Ref", kind, name.get(1)));
    }
    if (kind.equals("РегистрСведений")) {
      List<String> virtual = List.of("СРЕЗПОСЛЕДНИХ", "СРЕЗПЕРВЫХ", "SLICELAST", "SLICEFIRST");
      if (!virtual.contains(name.get(2).toUpperCase(Locale.ROOT))) {
        resolver.report(line, key + " has no virtual table " + name.get(2));
      }
      return Type.of(new Meta("Record", kind, name.get(1)));
    }
    List<Object> ts = resolver.lookup(key, "tabular section", name.get(2), line,
        o -> Resolver.get(o.tabularSections(), name.get(2)));
    return ts == null ? Types.NONE : Type.of(new Row(kind, name.get(1), canonical(key, name.get(2))));
  }

  private String canonical(String key, String section) {
    for (Manifest.MdObject o : resolver.index.object(key).values()) {
      if (o != null && o.tabularSections() != null) {
        for (String s : o.tabularSections().keySet()) {
          if (s.equalsIgnoreCase(section)) {
            return s;
          }
        }
      }
    }
    return section;
  }

  /** ЗНАЧЕНИЕ(Kind.Name.Item): returns the index of the closing parenthesis. */
  private int value(List<Tok> t, int k) {
    int close = k;
    while (close < t.size() && !t.get(close).text().equals(")")) {
      close++;
    }
    if (close - k == 5 && KINDS.containsKey(t.get(k).up())) {
      String kind = KINDS.get(t.get(k).up());
      String key = kind + "." + t.get(k + 2).text();
      String item = t.get(k + 4).text();
      int line = t.get(k).line();
      if (!item.equalsIgnoreCase("ПустаяСсылка") && !item.equalsIgnoreCase("EmptyRef")) {
        if (kind.equals("Перечисление")) {
          resolver.lookup(key, "value", item, line,
              o -> o.enumValues() == null ? null : o.enumValues().stream().filter(item::equalsIgnoreCase)
                  .findFirst().orElse(null));
        } else {
          resolver.lookup(key, "predefined item", item, line,
              o -> o.predefined() == null ? null : o.predefined().stream().filter(item::equalsIgnoreCase)
                  .findFirst().orElse(null));
        }
      } else {
        resolver.object(key, line);
      }
    } else if (close > k) {
      resolver.report(t.get(k).line(), "query: cannot read ЗНАЧЕНИЕ(...) here");
    }
    return close;
  }

  private Type chain(List<Tok> chain, Map<String, Type> aliases, Set<String> columnNames) {
    String first = chain.get(0).up();
    int line = chain.get(0).line();
    Type current;
    int from;
    if (aliases.containsKey(first)) {
      current = aliases.get(first);
      from = 1;
      if (current.isEmpty()) {
        return Types.arbitrary("a field of a temporary table or subquery");
      }
    } else if (columnNames.contains(first) && chain.size() == 1) {
      return Types.arbitrary("a column alias");
    } else {
      List<Type> sources = aliases.values().stream().filter(v -> !v.isEmpty()).toList();
      if (aliases.size() == 1 && sources.size() == 1) {
        current = sources.get(0);
        from = 0;
      } else if (chain.size() > 1) {
        resolver.report(line, "query: unknown table alias " + chain.get(0).text());
        return Types.unknown("unknown alias");
      } else {
        return Types.arbitrary("a field of one of several sources");
      }
    }
    for (int i = from; i < chain.size(); i++) {
      String name = chain.get(i).text();
      List<Type> next = new ArrayList<>();
      boolean owner = false;
      for (Alt a : current.alts()) {
        Alt holder = a instanceof Rows r ? new Row(r.kind(), r.name(), r.section()) : a;
        if (holder instanceof Meta m && m.kind().equals("Перечисление")) {
          owner = true;
          if (name.equalsIgnoreCase("Ссылка")) {
            next.add(Type.of(m));
          } else if (name.equalsIgnoreCase("Порядок")) {
            next.add(Types.NUMBER);
          } else {
            resolver.report(chain.get(i).line(), m.key() + " has no field " + name + " in a query");
          }
        } else if (holder instanceof Meta || holder instanceof Row) {
          owner = true;
          Type f = resolver.field(holder, name, chain.get(i).line());
          if (f != null) {
            next.add(f);
          }
        }
      }
      if (!owner) {
        resolver.report(chain.get(i).line(), "query: " + name + " is read from a value that is not a reference ("
            + current + ")");
        return Types.unknown("query field");
      }
      current = Type.union(next);
    }
    return current;
  }

  private void collectColumnNames(List<Tok> t, Set<String> names) {
    for (int i = 1; i < t.size(); i++) {
      if (is(t, i - 1, "КАК", "AS") && t.get(i).ident()) {
        names.add(t.get(i).up());
      }
    }
  }

  /** The first SELECT list at depth 0: column name to type. */
  private void selectList(List<Tok> t, Map<Integer, Type> chainTypes, Map<String, Type> columns) {
    int depth = 0;
    int i = 0;
    while (i < t.size() && !is(t, i, "ВЫБРАТЬ", "SELECT")) {
      i++;
    }
    i++;
    while (is(t, i, "РАЗРЕШЕННЫЕ", "ALLOWED", "РАЗЛИЧНЫЕ", "DISTINCT", "ПЕРВЫЕ", "TOP")) {
      i += is(t, i, "ПЕРВЫЕ", "TOP") ? 2 : 1;
    }
    int itemStart = i;
    for (; i <= t.size(); i++) {
      boolean end = i == t.size() || (depth == 0 && is(t, i, "ИЗ", "FROM", "ПОМЕСТИТЬ", "INTO", "ОБЪЕДИНИТЬ",
          "UNION", "ГДЕ", "WHERE", "УПОРЯДОЧИТЬ", "ORDER", "СГРУППИРОВАТЬ", "GROUP", "ДЛЯ", "FOR"));
      if (end || (depth == 0 && t.get(i).text().equals(","))) {
        item(t.subList(itemStart, i), itemStart, chainTypes, columns);
        itemStart = i + 1;
        if (end) {
          return;
        }
      } else if (t.get(i).text().equals("(")) {
        depth++;
      } else if (t.get(i).text().equals(")")) {
        depth--;
      }
    }
  }

  private void item(List<Tok> item, int offset, Map<Integer, Type> chainTypes, Map<String, Type> columns) {
    if (item.isEmpty()) {
      return;
    }
    int n = item.size();
    String name = null;
    int exprEnd = n;
    if (n >= 2 && is(item, n - 2, "КАК", "AS")) {
      name = item.get(n - 1).text();
      exprEnd = n - 2;
    }
    Type type = Types.arbitrary("a computed column");
    boolean simpleChain = exprEnd > 0 && item.get(0).ident();
    for (int i = 1; i < exprEnd; i++) {
      simpleChain &= (i % 2 == 1) ? item.get(i).text().equals(".") : item.get(i).ident();
    }
    if (simpleChain && exprEnd % 2 == 1 && chainTypes.containsKey(offset)) {
      type = chainTypes.get(offset);
      if (name == null) {
        name = item.get(exprEnd - 1).text();
      }
    } else if (is(item, 0, "КОЛИЧЕСТВО", "COUNT", "СУММА", "SUM")) {
      type = Types.NUMBER;
    } else if (is(item, 0, "ЕСТЬNULL", "ISNULL") && chainTypes.containsKey(offset + 2)) {
      type = chainTypes.get(offset + 2);
    } else if (is(item, 0, "ПРЕДСТАВЛЕНИЕ", "PRESENTATION", "ПРЕДСТАВЛЕНИЕССЫЛКИ", "REFPRESENTATION")) {
      type = Types.STRING;
    }
    if (name != null) {
      columns.put(name, type);
    }
  }
}
