package org.onecexporter.extension.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.onecexporter.extension.metadata.Manifest.MdObject;
import org.onecexporter.extension.metadata.Manifest.Method;
import org.onecexporter.extension.metadata.Manifest.TabularSection;
import org.onecexporter.extension.metadata.Types.Alt;
import org.onecexporter.extension.metadata.Types.Arbitrary;
import org.onecexporter.extension.metadata.Types.Coll;
import org.onecexporter.extension.metadata.Types.Meta;
import org.onecexporter.extension.metadata.Types.Platform;
import org.onecexporter.extension.metadata.Types.Prim;
import org.onecexporter.extension.metadata.Types.Row;
import org.onecexporter.extension.metadata.Types.Rows;
import org.onecexporter.extension.metadata.Types.Selection;
import org.onecexporter.extension.metadata.Types.Struct;
import org.onecexporter.extension.metadata.Types.Type;

/**
 * Resolves metadata names against every release: each lookup is made in each manifest, and a finding names the
 * releases that lack what the code refers to.
 */
final class Resolver {
  final MetaIndex index;
  final List<Finding> findings;
  String file = "";
  boolean muted;

  Resolver(MetaIndex index, List<Finding> findings) {
    this.index = index;
    this.findings = findings;
  }

  void report(int line, String message) {
    if (!muted) {
      Finding f = new Finding(file, line, message);
      if (!findings.contains(f)) {
        findings.add(f);
      }
    }
  }

  /** The object in each release, or null (after a finding) when it is unknown everywhere. */
  Map<String, MdObject> object(String key, int line) {
    if (!index.listed(key)) {
      report(line, key + " is not in the UNF manifest: add it to metadata/objects.txt and regenerate "
          + "(metadata/README.md)");
      return null;
    }
    Map<String, MdObject> perRelease = index.object(key);
    List<String> lacking = lacking(perRelease);
    if (!lacking.isEmpty()) {
      report(line, key + " does not exist in UNF " + String.join(", ", lacking));
    }
    return lacking.size() == perRelease.size() ? null : perRelease;
  }

  private static List<String> lacking(Map<String, ?> perRelease) {
    List<String> out = new ArrayList<>();
    perRelease.forEach((release, v) -> {
      if (v == null) {
        out.add(release);
      }
    });
    return out;
  }

  /**
   * Looks a name up with f in each release of the object. Reports "key has no what name (releases)" for the
   * releases that lack it; returns what the others have, or null when none has it.
   */
  <V> List<V> lookup(String key, String what, String name, int line, Function<MdObject, V> f) {
    return lookup(key, key, what, name, line, f);
  }

  /** As above, with the owner named label in the message (a tabular section of the object key). */
  <V> List<V> lookup(String key, String label, String what, String name, int line, Function<MdObject, V> f) {
    Map<String, MdObject> perRelease = object(key, line);
    if (perRelease == null) {
      return null;
    }
    Map<String, V> found = new LinkedHashMap<>();
    for (Map.Entry<String, MdObject> e : perRelease.entrySet()) {
      found.put(e.getKey(), e.getValue() == null ? null : f.apply(e.getValue()));
    }
    List<String> lacking = lacking(found);
    lacking.removeIf(r -> perRelease.get(r) == null); // already reported as a missing object
    if (!lacking.isEmpty()) {
      report(line, label + " has no " + what + " " + name + " (" + String.join(", ", lacking) + ")");
    }
    List<V> out = found.values().stream().filter(v -> v != null).toList();
    return out.isEmpty() ? null : out;
  }

  static <V> V get(Map<String, V> map, String name) {
    if (map == null) {
      return null;
    }
    for (Map.Entry<String, V> e : map.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** A field of a metadata value, a row, or a register record (reported when missing). */
  Type field(Alt owner, String name, int line) {
    if (owner instanceof Row r) {
      String key = r.kind() + "." + r.name();
      List<List<String>> t = lookup(key, key + "." + r.section(), "column", name, line, o -> {
        TabularSection ts = get(o.tabularSections(), r.section());
        if (ts == null) {
          return null;
        }
        List<String> c = get(ts.columns(), name);
        return c != null ? c : get(ts.standardAttributes(), name);
      });
      return t == null ? null : Type.union(t.stream().map(this::fromNames).toList());
    }
    Meta m = (Meta) owner;
    if (m.kind().equals("Перечисление")) {
      report(line, Types.refName(m.kind()) + "." + m.name() + " has no attribute " + name);
      return null;
    }
    boolean register = m.kind().equals("РегистрСведений");
    String what = register ? "field" : "attribute";
    List<Type> found = lookup(m.key(), what, name, line, o -> {
      if (register) {
        List<String> t = m.form().equals("Values") ? null : get(o.dimensions(), name);
        if (t == null) {
          t = get(o.resources(), name);
        }
        if (t == null) {
          t = get(o.attributes(), name);
        }
        if (t == null && !m.form().equals("Values")) {
          t = get(o.standardAttributes(), name);
        }
        return t == null ? null : fromNames(t);
      }
      List<String> t = get(o.attributes(), name);
      if (t == null) {
        t = get(o.standardAttributes(), name);
      }
      if (t != null) {
        return fromNames(t);
      }
      if (get(o.tabularSections(), name) != null) {
        String section = o.tabularSections().keySet().stream().filter(k -> k.equalsIgnoreCase(name)).findFirst()
            .orElseThrow();
        return Type.of(new Rows(m.kind(), m.name(), section, m.form().equals("Object")));
      }
      return null;
    });
    return found == null ? null : Type.union(found);
  }

  /** An exported method of a module section ("managerModule", "objectModule", "module") with the argument count. */
  Type method(String key, String section, String name, int argc, int line) {
    String what = switch (section) {
      case "managerModule" -> "exported manager-module method";
      case "objectModule" -> "exported object-module method";
      default -> "exported method";
    };
    List<Method> found = lookup(key, what, name, line, o -> get(switch (section) {
      case "managerModule" -> o.managerModule();
      case "objectModule" -> o.objectModule();
      default -> o.module();
    }, name));
    if (found == null) {
      return null;
    }
    // Argument counts, release by release.
    Map<String, MdObject> perRelease = index.object(key);
    List<String> tooMany = new ArrayList<>();
    List<String> tooFew = new ArrayList<>();
    String signature = "";
    for (Map.Entry<String, MdObject> e : perRelease.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      Method m = get(switch (section) {
        case "managerModule" -> e.getValue().managerModule();
        case "objectModule" -> e.getValue().objectModule();
        default -> e.getValue().module();
      }, name);
      if (m == null) {
        continue;
      }
      signature = m.required() == m.total() ? String.valueOf(m.total()) : m.required() + ".." + m.total();
      if (argc > m.total()) {
        tooMany.add(e.getKey() + ": at most " + m.total());
      } else if (argc < m.required()) {
        tooFew.add(e.getKey() + ": at least " + m.required());
      }
    }
    String call = (section.equals("module") ? key.substring(key.indexOf('.') + 1) : key) + "." + name;
    if (!tooMany.isEmpty()) {
      report(line, call + " called with " + argc + " arguments, too many (" + String.join("; ", tooMany) + ")");
    }
    if (!tooFew.isEmpty()) {
      report(line, call + " called with " + argc + " arguments, too few (" + String.join("; ", tooFew) + ")");
    }
    if (signature.isEmpty()) {
      return null;
    }
    List<Type> returns = new ArrayList<>();
    for (Method m : found) {
      if (!m.returns().isEmpty()) {
        returns.add(fromDocNames(m.returns(), Map.of(), line, false));
      }
    }
    return returns.isEmpty() ? Types.arbitrary("the result of " + call + " is not documented in UNF")
        : Type.union(returns);
  }

  /** Types as the manifest writes them. */
  Type fromNames(List<String> names) {
    List<Type> out = new ArrayList<>();
    for (String n : names) {
      out.add(fromName(n));
    }
    return Type.union(out);
  }

  private Type fromName(String n) {
    String base = n.replaceFirst("\\(.*$", "");
    switch (base) {
      case "Строка" -> {
        return Types.STRING;
      }
      case "Число" -> {
        return Types.NUMBER;
      }
      case "Булево" -> {
        return Types.BOOLEAN;
      }
      case "Дата", "ДатаВремя", "Время" -> {
        return Types.DATE;
      }
      case "УникальныйИдентификатор", "Null", "Неопределено", "Тип" -> {
        return Type.of(new Prim(base));
      }
      case "ХранилищеЗначения" -> {
        return Type.of(new Platform(base));
      }
      default -> { }
    }
    int dot = n.indexOf('.');
    if (dot > 0) {
      String prefix = n.substring(0, dot);
      String rest = n.substring(dot + 1);
      String[] parts = rest.split("\\.");
      String kind = switch (prefix) {
        case "СправочникСсылка", "СправочникОбъект", "СправочникМенеджер" -> "Справочник";
        case "ДокументСсылка", "ДокументОбъект", "ДокументМенеджер" -> "Документ";
        case "ПеречислениеСсылка", "ПеречислениеМенеджер" -> "Перечисление";
        case "ПланВидовХарактеристикСсылка", "ПланВидовХарактеристикОбъект" -> "ПланВидовХарактеристик";
        case "РегистрСведенийМенеджерЗаписи", "РегистрСведенийНаборЗаписей", "РегистрСведенийМенеджер",
            "РегистрСведенийЗапись" -> "РегистрСведений";
        case "ДокументТабличнаяЧастьСтрока", "ДокументТабличнаяЧасть" -> "Документ";
        case "СправочникТабличнаяЧастьСтрока", "СправочникТабличнаяЧасть" -> "Справочник";
        default -> null;
      };
      if (kind == null) {
        return Types.arbitrary(n + " is not modelled by the checker");
      }
      String form = prefix.endsWith("Ссылка") ? "Ref"
          : prefix.endsWith("Объект") ? "Object"
          : prefix.endsWith("Менеджер") ? "Manager"
          : prefix.endsWith("МенеджерЗаписи") ? "RecordManager"
          : prefix.endsWith("НаборЗаписей") ? "RecordSet"
          : prefix.endsWith("Запись") ? "Record"
          : prefix.endsWith("Строка") ? "Row" : "Rows";
      if (form.equals("Row") || form.equals("Rows")) {
        if (parts.length != 2) {
          return Types.arbitrary(n + ": name the object and the tabular section");
        }
        return Type.of(form.equals("Row") ? new Row(kind, parts[0], parts[1])
            : new Rows(kind, parts[0], parts[1], true));
      }
      return Type.of(new Meta(form, kind, rest));
    }
    return Types.arbitrary(n + " is not modelled by the checker");
  }

  /** Platform types a doc comment may name; their members are not checked (the result is Произвольный). */
  static final Set<String> PLATFORM = Set.of("Запрос", "РезультатЗапроса", "HTTPСервисЗапрос", "HTTPСервисОтвет",
      "ЧтениеJSON", "ЗаписьJSON", "ПараметрыЗаписиJSON", "БлокировкаДанных", "ЭлементБлокировкиДанных",
      "ИнформацияОбОшибке", "ТаблицаЗначений", "СтрокаТаблицыЗначений", "ДеревоЗначений", "СписокЗначений",
      "ДвоичныеДанные", "ХранилищеЗначения", "ОписаниеТипов", "ФорматированнаяСтрока", "ФормаКлиентскогоПриложения",
      "УправляемаяФорма", "КлючИЗначение", "ОбъектМетаданных", "ЭлементФормы", "ПолеФормы", "ДанныеФормыСтруктура",
      "МенеджерВременныхТаблиц", "ОписаниеОповещения", "СообщениеПользователю");

  /**
   * Types as a doc comment writes them: the manifest's names plus Массив/Соответствие [из T], Структура (with the
   * "*" fields), Произвольный, Неопределено and the platform types above. A name the checker does not know is
   * reported when report is set.
   */
  Type fromDocNames(List<String> names, Map<String, DocComment.Doc> fields, int line, boolean report) {
    List<Type> out = new ArrayList<>();
    for (String raw : names) {
      String n = raw.strip();
      String lower = n.toLowerCase(Locale.ROOT);
      int of = lower.indexOf(" из ");
      if (of > 0) {
        String coll = n.substring(0, of).strip();
        Type element = fromDocNames(List.of(n.substring(of + 4).strip()), fields, line, report);
        out.add(Type.of(new Coll(collName(coll), element, new LinkedHashMap<>())));
        continue;
      }
      switch (n) {
        case "Произвольный", "Arbitrary" -> out.add(Types.arbitrary("declared Произвольный"));
        case "Массив", "ФиксированныйМассив" -> out.add(Type.of(new Coll("Массив", Types.NONE, new LinkedHashMap<>())));
        case "Соответствие", "ФиксированноеСоответствие" -> out.add(Type.of(new Coll("Соответствие", Types.NONE,
            docFields(fields, line, report))));
        case "Структура", "ФиксированнаяСтруктура" -> out.add(Type.of(new Struct(docFields(fields, line, report),
            !fields.isEmpty())));
        case "ВыборкаИзРезультатаЗапроса" -> out.add(Type.of(new Selection(false, null)));
        default -> {
          if (PLATFORM.contains(n)) {
            out.add(Type.of(new Platform(n)));
            continue;
          }
          Type t = fromName(n);
          boolean known = t.alts().stream().noneMatch(a -> a instanceof Arbitrary);
          if (!known && report) {
            report(line, "doc comment type " + n + " is not known to the checker");
          }
          if (known && report) {
            for (Alt a : t.alts()) {
              if (a instanceof Meta m) {
                object(m.key(), line);
              } else if (a instanceof Row r) {
                lookup(r.kind() + "." + r.name(), "tabular section", r.section(), line,
                    o -> get(o.tabularSections(), r.section()));
              }
            }
          }
          out.add(t);
        }
      }
    }
    return Type.union(out);
  }

  private static String collName(String n) {
    return n.startsWith("Фиксированн") ? (n.contains("Массив") ? "Массив" : "Соответствие") : n;
  }

  private Map<String, Type> docFields(Map<String, DocComment.Doc> fields, int line, boolean report) {
    Map<String, Type> out = new LinkedHashMap<>();
    fields.forEach((k, v) -> out.put(k, fromDocNames(v.types(), v.fields(), line, report)));
    return out;
  }
}
