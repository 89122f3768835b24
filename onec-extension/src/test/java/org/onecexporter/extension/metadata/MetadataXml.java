package org.onecexporter.extension.metadata;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** DOM helpers and the type spelling shared by the two dump readers and the extension's own dump. */
final class MetadataXml {
  private MetadataXml() {}

  /** English kind of the dumps (folder and type prefix) for the Russian kind of the manifest. */
  static final Map<String, String> KINDS = Map.of(
      "Справочник", "Catalog",
      "Документ", "Document",
      "Перечисление", "Enum",
      "РегистрСведений", "InformationRegister",
      "ОбщийМодуль", "CommonModule",
      "Роль", "Role",
      "ПланВидовХарактеристик", "ChartOfCharacteristicTypes",
      "КритерийОтбора", "FilterCriterion");

  static String russianKind(String english) {
    return KINDS.entrySet().stream().filter(e -> e.getValue().equals(english)).map(Map.Entry::getKey)
        .findFirst().orElse(null);
  }

  /** Reference type prefixes: the dumps' spelling to the platform's Russian one. */
  private static final Map<String, String> REFS = Map.ofEntries(
      Map.entry("CatalogRef", "СправочникСсылка"),
      Map.entry("DocumentRef", "ДокументСсылка"),
      Map.entry("EnumRef", "ПеречислениеСсылка"),
      Map.entry("ChartOfCharacteristicTypesRef", "ПланВидовХарактеристикСсылка"),
      Map.entry("ChartOfAccountsRef", "ПланСчетовСсылка"),
      Map.entry("ChartOfCalculationTypesRef", "ПланВидовРасчетаСсылка"),
      Map.entry("ExchangePlanRef", "ПланОбменаСсылка"),
      Map.entry("BusinessProcessRef", "БизнесПроцессСсылка"),
      Map.entry("TaskRef", "ЗадачаСсылка"),
      Map.entry("Characteristic", "Характеристика"),
      Map.entry("InformationRegisterRecordManager", "РегистрСведенийМенеджерЗаписи"));

  /**
   * A reference or type set name without namespace ("CatalogRef.Валюты", "AnyRef", "DefinedType.Вес") in the
   * Russian spelling; a defined type is expanded with definedType.
   */
  static List<String> refType(String name, Function<String, List<String>> definedType) {
    if (name.startsWith("DefinedType.")) {
      return definedType.apply(name.substring("DefinedType.".length()));
    }
    if (name.equals("AnyRef") || name.equals("AnyIBRef")) {
      return List.of("ЛюбаяСсылка");
    }
    int dot = name.indexOf('.');
    String prefix = dot < 0 ? name : name.substring(0, dot);
    String russian = REFS.get(prefix);
    if (russian == null) {
      return List.of("?" + name);
    }
    return List.of(dot < 0 ? russian : russian + name.substring(dot));
  }

  static String string(int length, boolean fixed) {
    return length == 0 ? "Строка" : "Строка(" + length + (fixed ? ",Фиксированная" : "") + ")";
  }

  static String number(int digits, int fraction, boolean nonNegative) {
    return "Число(" + digits + "," + fraction + (nonNegative ? ",Неотрицательное" : "") + ")";
  }

  static String date(String fractions) {
    return switch (fractions == null ? "DateTime" : fractions) {
      case "Date" -> "Дата";
      case "Time" -> "Время";
      default -> "ДатаВремя";
    };
  }

  // --- DOM ---

  static Document parse(Path file) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(file.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static Element child(Element parent, String localName) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  static List<Element> children(Element parent, String localName) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (localName == null || localName.equals(e.getLocalName()))) {
        out.add(e);
      }
    }
    return out;
  }

  static String text(Element parent, String localName) {
    Element e = child(parent, localName);
    return e == null ? null : e.getTextContent().strip();
  }

  static int integer(Element parent, String localName, int fallback) {
    String t = text(parent, localName);
    return t == null || t.isEmpty() ? fallback : Integer.parseInt(t);
  }

  /** The Designer XML type of a Type element (v8:Type / v8:TypeSet with qualifiers) in the Russian spelling. */
  static List<String> designerType(Element typeElement, Function<String, List<String>> definedType) {
    List<String> out = new ArrayList<>();
    if (typeElement == null) {
      return out;
    }
    Element sq = child(typeElement, "StringQualifiers");
    Element nq = child(typeElement, "NumberQualifiers");
    Element dq = child(typeElement, "DateQualifiers");
    for (Element t : children(typeElement, null)) {
      if (!t.getLocalName().equals("Type") && !t.getLocalName().equals("TypeSet")) {
        continue;
      }
      String v = t.getTextContent().strip();
      String local = v.substring(v.indexOf(':') + 1);
      switch (v) {
        case "xs:string" -> out.add(string(integer(sq, "Length", 0), "Fixed".equals(text(sq, "AllowedLength"))));
        case "xs:decimal" -> out.add(number(integer(nq, "Digits", 0), integer(nq, "FractionDigits", 0),
            "Nonnegative".equals(text(nq, "AllowedSign"))));
        case "xs:boolean" -> out.add("Булево");
        case "xs:dateTime" -> out.add(date(text(dq, "DateFractions")));
        case "v8:ValueStorage" -> out.add("ХранилищеЗначения");
        case "v8:UUID" -> out.add("УникальныйИдентификатор");
        case "v8:Null" -> out.add("Null");
        default -> out.addAll(v.startsWith("cfg:") ? refType(local, definedType) : List.of("?" + v));
      }
    }
    return out.stream().distinct().sorted().toList();
  }

  /** The EDT type of a type element (types with qualifiers) in the Russian spelling. */
  static List<String> edtType(Element typeElement, Function<String, List<String>> definedType) {
    List<String> out = new ArrayList<>();
    if (typeElement == null) {
      return out;
    }
    Element sq = child(typeElement, "stringQualifiers");
    Element nq = child(typeElement, "numberQualifiers");
    Element dq = child(typeElement, "dateQualifiers");
    for (Element t : children(typeElement, "types")) {
      String v = t.getTextContent().strip();
      switch (v) {
        case "String" -> out.add(string(integer(sq, "length", 0), "true".equals(text(sq, "fixed"))));
        case "Number" -> out.add(number(integer(nq, "precision", 0), integer(nq, "scale", 0),
            "true".equals(text(nq, "nonNegative"))));
        case "Boolean" -> out.add("Булево");
        case "Date" -> out.add(date(text(dq, "dateFractions")));
        case "ValueStorage" -> out.add("ХранилищеЗначения");
        case "UUID" -> out.add("УникальныйИдентификатор");
        case "Null" -> out.add("Null");
        default -> out.addAll(refType(v, definedType));
      }
    }
    return out.stream().distinct().sorted().toList();
  }
}
