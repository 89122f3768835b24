package org.onecexporter.extension.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checker's small type model. A value has a {@link Type}: a union of alternatives, each one of the records
 * below. Metadata values carry their kind and name; platform collections carry what is known of their elements.
 */
public final class Types {
  private Types() {}

  /** One alternative of a value's type. */
  public sealed interface Alt permits Meta, Rows, Row, Root, Module, Prim, Platform, Coll, Struct, Query, Selection,
      LockItem, Filter, Arbitrary, Unknown {}

  /**
   * A metadata value. form is one of: Ref, Object, Manager, RecordManager (a register's record manager), RecordSet,
   * Record (a record of a set), Values (the structure a register's Получить returns).
   */
  public record Meta(String form, String kind, String name) implements Alt {
    public String key() {
      return kind + "." + name;
    }

    @Override
    public String toString() {
      return switch (form) {
        case "Ref" -> refName(kind) + "." + name;
        case "Object" -> objectName(kind) + "." + name;
        case "Manager" -> managerName(kind) + "." + name;
        case "RecordManager" -> "РегистрСведенийМенеджерЗаписи." + name;
        case "RecordSet" -> "РегистрСведенийНаборЗаписей." + name;
        case "Record" -> "РегистрСведенийЗапись." + name;
        default -> "Структура (" + key() + ".Получить)";
      };
    }
  }

  /** The rows of a tabular section (owner's form: Ref or Object). */
  public record Rows(String kind, String name, String section, boolean ofObject) implements Alt {
    @Override
    public String toString() {
      return kind + "." + name + "." + section;
    }
  }

  public record Row(String kind, String name, String section) implements Alt {
    @Override
    public String toString() {
      return "строка " + kind + "." + name + "." + section;
    }
  }

  /** Справочники, Документы, Перечисления, РегистрыСведений: kind is the singular. */
  public record Root(String kind) implements Alt {}

  public record Module(String name) implements Alt {
    @Override
    public String toString() {
      return "ОбщийМодуль." + name;
    }
  }

  /** Строка, Число, Булево, Дата, Неопределено, Null, Тип, УникальныйИдентификатор. */
  public record Prim(String name) implements Alt {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A platform object the checker knows by name (Запрос, HTTPСервисОтвет, ...). */
  public record Platform(String name) implements Alt {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Массив or Соответствие: element is the type of the elements (values of a Соответствие), grown by Добавить and
   * Вставить; keys are the documented keys of a Соответствие read from JSON ("*" fields of a doc comment), checked
   * when Получить is given a literal. Compared by identity: each one is one collection of the code.
   */
  public static final class Coll implements Alt {
    final String name;
    Type element;
    final Map<String, Type> keys;

    Coll(String name, Type element, Map<String, Type> keys) {
      this.name = name;
      this.element = element;
      this.keys = keys;
    }

    @Override
    public String toString() {
      return name + (element.isEmpty() ? "" : " из " + element);
    }
  }

  /** A Структура: closed when its fields are documented, open when the code builds it. By identity, like Coll. */
  public static final class Struct implements Alt {
    final Map<String, Type> fields;
    final boolean closed;

    Struct(Map<String, Type> fields, boolean closed) {
      this.fields = fields;
      this.closed = closed;
    }

    @Override
    public String toString() {
      return "Структура" + (fields.isEmpty() ? "" : fields.keySet().stream().collect(Collectors.joining(", ", "(", ")")));
    }
  }

  /** A Запрос: its columns are known once a constant text is assigned. By identity. */
  public static final class Query implements Alt {
    Map<String, Type> columns;

    @Override
    public String toString() {
      return "Запрос";
    }
  }

  /** РезультатЗапроса (result) or ВыборкаИзРезультатаЗапроса (selection) with the query's columns. */
  public record Selection(boolean result, Map<String, Type> columns) implements Alt {
    @Override
    public String toString() {
      return result ? "РезультатЗапроса" : "ВыборкаИзРезультатаЗапроса";
    }
  }

  /** An ЭлементБлокировкиДанных of a register or object named by the Добавить argument. */
  public record LockItem(String key) implements Alt {
    @Override
    public String toString() {
      return "ЭлементБлокировкиДанных(" + key + ")";
    }
  }

  /** The Отбор of a register's record set. */
  public record Filter(String register) implements Alt {
    @Override
    public String toString() {
      return "Отбор(" + register + ")";
    }
  }

  /** A value declared Произвольный, or whose members the checker does not model: usable, not dereferenceable. */
  public record Arbitrary(String why) implements Alt {
    @Override
    public String toString() {
      return "Произвольный";
    }
  }

  /** A value the checker could not type; why says where it came from. */
  public record Unknown(String why) implements Alt {
    @Override
    public String toString() {
      return "?";
    }
  }

  /** A union of alternatives. */
  public static final class Type {
    final Set<Alt> alts;

    private Type(Set<Alt> alts) {
      this.alts = alts;
    }

    public static Type of(Alt... alts) {
      Set<Alt> s = new LinkedHashSet<>();
      for (Alt a : alts) {
        s.add(a);
      }
      return new Type(s);
    }

    public static Type union(List<Type> types) {
      Set<Alt> s = new LinkedHashSet<>();
      for (Type t : types) {
        s.addAll(t.alts);
      }
      return new Type(s);
    }

    public Type or(Type other) {
      return union(List.of(this, other));
    }

    public boolean isEmpty() {
      return alts.isEmpty();
    }

    public List<Alt> alts() {
      return new ArrayList<>(alts);
    }

    @Override
    public String toString() {
      return alts.stream().map(Object::toString).collect(Collectors.joining(", "));
    }
  }

  public static final Type STRING = Type.of(new Prim("Строка"));
  public static final Type NUMBER = Type.of(new Prim("Число"));
  public static final Type BOOLEAN = Type.of(new Prim("Булево"));
  public static final Type DATE = Type.of(new Prim("Дата"));
  public static final Type UNDEFINED = Type.of(new Prim("Неопределено"));
  public static final Type NONE = Type.of();

  public static Type arbitrary(String why) {
    return Type.of(new Arbitrary(why));
  }

  public static Type unknown(String why) {
    return Type.of(new Unknown(why));
  }

  /** The type of a value whose reference was already reported: using it further reports nothing more. */
  public static final String REPORTED = "already reported";

  public static Type reported() {
    return Type.of(new Unknown(REPORTED));
  }

  public static Type struct(Map<String, Type> fields, boolean closed) {
    return Type.of(new Struct(new LinkedHashMap<>(fields), closed));
  }

  static String refName(String kind) {
    return switch (kind) {
      case "Справочник" -> "СправочникСсылка";
      case "Документ" -> "ДокументСсылка";
      case "Перечисление" -> "ПеречислениеСсылка";
      case "ПланВидовХарактеристик" -> "ПланВидовХарактеристикСсылка";
      default -> kind + "Ссылка";
    };
  }

  static String objectName(String kind) {
    return switch (kind) {
      case "Справочник" -> "СправочникОбъект";
      case "Документ" -> "ДокументОбъект";
      case "ПланВидовХарактеристик" -> "ПланВидовХарактеристикОбъект";
      default -> kind + "Объект";
    };
  }

  static String managerName(String kind) {
    return switch (kind) {
      case "Справочник" -> "СправочникМенеджер";
      case "Документ" -> "ДокументМенеджер";
      case "Перечисление" -> "ПеречислениеМенеджер";
      case "РегистрСведений" -> "РегистрСведенийМенеджер";
      case "ПланВидовХарактеристик" -> "ПланВидовХарактеристикМенеджер";
      default -> kind + "Менеджер";
    };
  }
}
