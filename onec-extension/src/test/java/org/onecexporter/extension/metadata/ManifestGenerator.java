package org.onecexporter.extension.metadata;

import static org.onecexporter.extension.metadata.MetadataXml.child;
import static org.onecexporter.extension.metadata.MetadataXml.children;
import static org.onecexporter.extension.metadata.MetadataXml.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.onecexporter.extension.metadata.Manifest.MdObject;
import org.onecexporter.extension.metadata.Manifest.Method;
import org.onecexporter.extension.metadata.Manifest.TabularSection;
import org.w3c.dom.Element;

/**
 * Regenerates onec-extension/metadata/unf-&lt;release&gt;.json from dumps of the real configuration: a Designer XML
 * dump (Configuration.xml at its root) or an EDT project (src/Configuration/Configuration.mdo). Run by hand, see
 * metadata/README.md:
 *
 * <pre>
 * java ... ManifestGenerator metadata/objects.txt metadata /work/dumps/unf308 /work/dumps/unf305
 * </pre>
 *
 * <p>Objects, attributes, tabular sections, columns, enum values, predefined items and methods named mega_* (a
 * shop's own additions in one of the public dumps) are left out.
 */
public final class ManifestGenerator {

  private static final Map<String, String> FOLDERS = Map.of(
      "Catalog", "Catalogs", "Document", "Documents", "Enum", "Enums",
      "InformationRegister", "InformationRegisters", "CommonModule", "CommonModules", "Role", "Roles",
      "ChartOfCharacteristicTypes", "ChartsOfCharacteristicTypes", "DefinedType", "DefinedTypes",
      "FilterCriterion", "FilterCriteria");

  /** The Designer XML property names read for each kind; the EDT names are the same with a lower-case first letter. */
  private static final Map<String, List<String>> PROPERTIES = Map.of(
      "Catalog", List.of("Hierarchical", "HierarchyType", "CodeLength", "CodeType", "DescriptionLength", "Owners"),
      "Document", List.of("NumberLength", "NumberType", "Posting"),
      "InformationRegister", List.of("InformationRegisterPeriodicity", "WriteMode"),
      "ChartOfCharacteristicTypes", List.of("Hierarchical", "CodeLength", "CodeType", "DescriptionLength"),
      "CommonModule", List.of("Global", "ClientManagedApplication", "Server", "ExternalConnection", "ServerCall",
          "Privileged", "ReturnValuesReuse"));

  /** What EDT leaves out when a property has its default value. */
  private static final Map<String, String> EDT_DEFAULTS = Map.ofEntries(
      Map.entry("Hierarchical", "false"), Map.entry("HierarchyType", "HierarchyFoldersAndItems"),
      Map.entry("CodeLength", "0"), Map.entry("CodeType", "Number"), Map.entry("DescriptionLength", "0"),
      Map.entry("NumberLength", "0"), Map.entry("NumberType", "Number"), Map.entry("Posting", "Allow"),
      Map.entry("InformationRegisterPeriodicity", "Nonperiodical"), Map.entry("WriteMode", "Independent"),
      Map.entry("Global", "false"), Map.entry("ClientManagedApplication", "false"), Map.entry("Server", "false"),
      Map.entry("ExternalConnection", "false"), Map.entry("ServerCall", "false"), Map.entry("Privileged", "false"),
      Map.entry("ReturnValuesReuse", "DontUse"));

  private ManifestGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: ManifestGenerator <objects.txt> <output dir> <dump>...");
      System.exit(2);
    }
    List<String> objects = readObjectList(Path.of(args[0]));
    for (int i = 2; i < args.length; i++) {
      Path root = Path.of(args[i]);
      Reader reader = Files.exists(root.resolve("Configuration.xml")) ? new DesignerReader(root) : new EdtReader(root);
      Manifest manifest = generate(reader, objects);
      Path out = Path.of(args[1]).resolve("unf-" + manifest.release() + ".json");
      manifest.write(out);
      System.out.println(out + ": " + manifest.objects().size() + " objects, missing " + manifest.missing());
    }
  }

  /** The object list: one "Kind.Name" a line; # starts a comment. */
  public static List<String> readObjectList(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.replaceFirst("#.*", "").strip();
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  static Manifest generate(Reader reader, List<String> objects) throws IOException {
    SortedMap<String, MdObject> found = new TreeMap<>();
    SortedSet<String> missing = new TreeSet<>();
    Manifest.RunTime runTime = new Manifest.RunTime(null, null, null);
    for (String key : objects) {
      String[] parts = key.split("\\.", 2);
      String english = MetadataXml.KINDS.get(parts[0]);
      if (english == null || parts.length < 2) {
        throw new IllegalArgumentException("objects.txt: unknown kind in " + key);
      }
      MdObject object = reader.read(parts[0], english, parts[1], objects);
      if (object != null) {
        reader.runTimeFacts(parts[0], english, parts[1], objects, runTime);
      }
      if (object == null) {
        missing.add(key);
      } else {
        found.put(key, object);
      }
    }
    runTime.closedPeriodControl().addAll(reader.closedPeriodControl(objects));
    return new Manifest(reader.release, reader.source, reader.configurationName, reader.configurationUuid, found,
        missing, runTime);
  }

  private static boolean ours(String name) {
    return !name.toLowerCase(Locale.ROOT).startsWith("mega_");
  }

  /** Reading common to both formats; the subclasses know where things are. */
  abstract static class Reader {
    final Path root;
    String release;
    String source;
    String configurationName;
    String configurationUuid;
    private final Map<String, List<String>> definedTypes = new HashMap<>();

    Reader(Path root) {
      this.root = root;
    }

    abstract Path objectFile(String english, String name);

    abstract Path moduleFile(String english, String name, String module);

    abstract Path rightsFile(String name);

    abstract String property(Element object, String designerName);

    abstract List<String> owners(Element object);

    /** Attribute-like children: kind is Attribute, Dimension, Resource, TabularSection or EnumValue. */
    abstract List<Element> items(Element parent, String kind);

    abstract String name(Element item);

    /** A filter criterion's content: the attributes it lists, as MDObjectRef paths. */
    abstract List<String> content(Element object);

    abstract List<String> type(Element item);

    abstract SortedSet<String> predefined(Element object, String english, String name);

    /** The item's FillChecking property (ShowError, ShowWarning, DontCheck) or null. */
    abstract String fillChecking(Element item);

    /** Fill checks of an object and its tabular sections, and record-level restrictions of a role. */
    void runTimeFacts(String kind, String english, String name, List<String> listed, Manifest.RunTime out) {
      String key = kind + "." + name;
      if (english.equals("Role")) {
        SortedMap<String, SortedSet<String>> restricted = restrictedRights(rightsFile(name), listed);
        if (!restricted.isEmpty()) {
          out.restrictedRights().put(key, restricted);
        }
        return;
      }
      if (!english.equals("Document") && !english.equals("Catalog")) {
        return;
      }
      Element object = objectElement(objectFile(english, name));
      SortedSet<String> header = required(items(object, "Attribute"));
      if (!header.isEmpty()) {
        out.fillChecking().put(key, header);
      }
      for (Element ts : items(object, "TabularSection")) {
        SortedSet<String> columns = required(items(ts, "Attribute"));
        if (ours(name(ts)) && !columns.isEmpty()) {
          out.fillChecking().put(key + "." + name(ts), columns);
        }
      }
    }

    private SortedSet<String> required(List<Element> items) {
      SortedSet<String> out = new TreeSet<>();
      for (Element item : items) {
        if (ours(name(item)) && "ShowError".equals(fillChecking(item))) {
          out.add(name(item));
        }
      }
      return out;
    }

    /**
     * The listed objects that ДатыЗапретаИзмененияПереопределяемый names (as "Документ.X" or Метаданные.Документы.X)
     * in its procedure of data sources for closed-period checks.
     */
    SortedSet<String> closedPeriodControl(List<String> listed) throws IOException {
      SortedSet<String> out = new TreeSet<>();
      Path module = moduleFile("CommonModule", "ДатыЗапретаИзмененияПереопределяемый", "Module");
      if (module == null || !Files.exists(module)) {
        return out;
      }
      String text = Files.readString(module, StandardCharsets.UTF_8);
      int start = text.indexOf("Процедура ЗаполнитьИсточникиДанныхДляПроверкиЗапретаИзменения(");
      if (start < 0) {
        return out;
      }
      int end = text.indexOf("КонецПроцедуры", start);
      String body = text.substring(start, end < 0 ? text.length() : end);
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("\"Документ\\.([\\p{L}\\p{N}_]+)\"|Метаданные\\.Документы\\.([\\p{L}\\p{N}_]+)").matcher(body);
      while (m.find()) {
        String key = "Документ." + (m.group(1) != null ? m.group(1) : m.group(2));
        if (listed.contains(key)) {
          out.add(key);
        }
      }
      return out;
    }

    List<String> definedType(String name) {
      return definedTypes.computeIfAbsent(name, n -> {
        Path file = objectFile("DefinedType", n);
        if (!Files.exists(file)) {
          return List.of("ОпределяемыйТип." + n);
        }
        return type(objectElement(file));
      });
    }

    Element objectElement(Path file) {
      return MetadataXml.parse(file).getDocumentElement();
    }

    MdObject read(String kind, String english, String name, List<String> listed) throws IOException {
      Path file = objectFile(english, name);
      if (!Files.exists(file)) {
        return null;
      }
      Element object = objectElement(file);
      String uuid = object.getAttribute("uuid");
      SortedMap<String, Object> properties = new TreeMap<>();
      for (String p : PROPERTIES.getOrDefault(english, List.of())) {
        if (p.equals("Owners")) {
          List<String> owners = owners(object);
          if (!owners.isEmpty()) {
            properties.put("Owners", owners);
          }
          continue;
        }
        String v = property(object, p);
        if (v != null) {
          properties.put(p, v.matches("\\d+") ? (Object) Integer.parseInt(v)
              : v.equals("true") || v.equals("false") ? (Object) Boolean.parseBoolean(v) : v);
        }
      }
      if (english.equals("FilterCriterion")) {
        // The value it filters by, and every attribute of another object that it lists (Document.X.Attribute.Y,
        // Document.X.TabularSection.T.Attribute.Y): the documents a query over the criterion finds.
        properties.put("Type", type(object));
        properties.put("Content", content(object));
      }
      SortedMap<String, List<String>> attributes = columns(items(object, "Attribute"));
      SortedMap<String, List<String>> dimensions = columns(items(object, "Dimension"));
      SortedMap<String, List<String>> resources = columns(items(object, "Resource"));
      SortedMap<String, TabularSection> sections = new TreeMap<>();
      String refType = refType(english, name);
      for (Element ts : items(object, "TabularSection")) {
        String tsName = name(ts);
        if (ours(tsName)) {
          SortedMap<String, List<String>> standard = new TreeMap<>();
          standard.put("Ссылка", List.of(refType));
          standard.put("НомерСтроки", List.of("Число(5,0)"));
          sections.put(tsName, new TabularSection(ts.getAttribute("uuid"), standard, columns(items(ts, "Attribute"))));
        }
      }
      List<String> enumValues = new ArrayList<>();
      for (Element v : items(object, "EnumValue")) {
        if (ours(name(v))) {
          enumValues.add(name(v));
        }
      }
      boolean hasPredefined = english.equals("Catalog") || english.equals("ChartOfCharacteristicTypes");
      return new MdObject(kind, name, uuid, properties, standardAttributes(english, name, properties),
          dimensions, resources, attributes, sections, enumValues,
          hasPredefined ? predefined(object, english, name) : new TreeSet<>(),
          methods(moduleFile(english, name, "ManagerModule")),
          methods(moduleFile(english, name, "ObjectModule")),
          english.equals("CommonModule") ? methods(moduleFile(english, name, "Module")) : new TreeMap<>(),
          english.equals("Role") ? rights(rightsFile(name), listed) : new TreeMap<>());
    }

    private SortedMap<String, List<String>> columns(List<Element> items) {
      SortedMap<String, List<String>> out = new TreeMap<>();
      for (Element item : items) {
        String n = name(item);
        if (ours(n)) {
          out.put(n, type(item));
        }
      }
      return out;
    }

    private static SortedMap<String, Method> methods(Path module) throws IOException {
      SortedMap<String, Method> out = new TreeMap<>();
      if (module == null || !Files.exists(module)) {
        return out;
      }
      for (BslMethods.Declared d : BslMethods.scan(Files.readString(module, StandardCharsets.UTF_8))) {
        if (d.export() && ours(d.name())) {
          List<String> returns = d.function() && d.doc().returns() != null ? d.doc().returns().types() : List.of();
          out.put(d.name(), new Method(d.function(), d.required(), d.parameters().size(), d.parameters(), returns));
        }
      }
      return out;
    }

    /**
     * The rights a role grants on the listed objects, object by object ("Справочник.Контрагенты" to [Insert, Read,
     * ...]); the rights on other objects are left out.
     */
    private static SortedMap<String, SortedSet<String>> rights(Path file, List<String> listed) {
      SortedMap<String, SortedSet<String>> out = new TreeMap<>();
      if (!Files.exists(file)) {
        return out;
      }
      for (Element o : children(MetadataXml.parse(file).getDocumentElement(), "object")) {
        SortedSet<String> granted = new TreeSet<>();
        for (Element r : children(o, "right")) {
          if ("true".equals(text(r, "value"))) {
            granted.add(text(r, "name"));
          }
        }
        String[] name = text(o, "name").split("\\.");
        String key = name.length == 2 ? MetadataXml.russianKind(name[0]) + "." + name[1] : null;
        if (!granted.isEmpty() && listed.contains(key)) {
          out.put(key, granted);
        }
      }
      return out;
    }
  }

  /** Role rights with a record-level restriction (restrictionByCondition), object by object, for listed objects. */
  private static SortedMap<String, SortedSet<String>> restrictedRights(Path file, List<String> listed) {
    SortedMap<String, SortedSet<String>> out = new TreeMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (Element o : children(MetadataXml.parse(file).getDocumentElement(), "object")) {
      String[] name = text(o, "name").split("\\.");
      String key = name.length == 2 ? MetadataXml.russianKind(name[0]) + "." + name[1] : null;
      if (key == null || !listed.contains(key)) {
        continue;
      }
      SortedSet<String> restricted = new TreeSet<>();
      for (Element r : children(o, "right")) {
        if ("true".equals(text(r, "value")) && child(r, "restrictionByCondition") != null) {
          restricted.add(text(r, "name"));
        }
      }
      if (!restricted.isEmpty()) {
        out.put(key, restricted);
      }
    }
    return out;
  }

  static String refType(String english, String name) {
    return switch (english) {
      case "Catalog" -> "СправочникСсылка." + name;
      case "Document" -> "ДокументСсылка." + name;
      case "Enum" -> "ПеречислениеСсылка." + name;
      case "ChartOfCharacteristicTypes" -> "ПланВидовХарактеристикСсылка." + name;
      default -> null;
    };
  }

  /** The attributes the platform gives an object of this kind with these properties. */
  static SortedMap<String, List<String>> standardAttributes(
      String english, String name, SortedMap<String, Object> p) {
    SortedMap<String, List<String>> out = new TreeMap<>();
    String ref = refType(english, name);
    switch (english) {
      case "Catalog", "ChartOfCharacteristicTypes" -> {
        out.put("Ссылка", List.of(ref));
        out.put("ВерсияДанных", List.of("Строка"));
        out.put("ПометкаУдаления", List.of("Булево"));
        out.put("Предопределенный", List.of("Булево"));
        out.put("ИмяПредопределенныхДанных", List.of("Строка"));
        int code = (Integer) p.getOrDefault("CodeLength", 0);
        if (code > 0) {
          out.put("Код", List.of("String".equals(p.get("CodeType")) ? "Строка(" + code + ")" : "Число(" + code + ",0)"));
        }
        int description = (Integer) p.getOrDefault("DescriptionLength", 0);
        if (description > 0) {
          out.put("Наименование", List.of("Строка(" + description + ")"));
        }
        if (Boolean.TRUE.equals(p.get("Hierarchical"))) {
          out.put("Родитель", List.of(ref));
          if (english.equals("ChartOfCharacteristicTypes")
              || "HierarchyFoldersAndItems".equals(p.get("HierarchyType"))) {
            out.put("ЭтоГруппа", List.of("Булево"));
          }
        }
        if (p.get("Owners") instanceof List<?> owners && !owners.isEmpty()) {
          List<String> types = new ArrayList<>();
          for (Object o : owners) {
            String s = o.toString();
            types.add(refType(s.substring(0, s.indexOf('.')), s.substring(s.indexOf('.') + 1)));
          }
          out.put("Владелец", types);
        }
      }
      case "Document" -> {
        out.put("Ссылка", List.of(ref));
        out.put("ВерсияДанных", List.of("Строка"));
        out.put("ПометкаУдаления", List.of("Булево"));
        out.put("Дата", List.of("ДатаВремя"));
        out.put("Проведен", List.of("Булево"));
        int number = (Integer) p.getOrDefault("NumberLength", 0);
        if (number > 0) {
          out.put("Номер",
              List.of("String".equals(p.get("NumberType")) ? "Строка(" + number + ")" : "Число(" + number + ",0)"));
        }
      }
      case "Enum" -> {
        out.put("Ссылка", List.of(ref));
        out.put("Порядок", List.of("Число(10,0)"));
      }
      case "InformationRegister" -> {
        if (!"Nonperiodical".equals(p.get("InformationRegisterPeriodicity"))) {
          out.put("Период", List.of("ДатаВремя"));
        }
        if ("RecorderSubordinate".equals(p.get("WriteMode"))) {
          out.put("Регистратор", List.of("ДокументСсылка"));
          out.put("НомерСтроки", List.of("Число(9,0)"));
          out.put("Активность", List.of("Булево"));
        }
      }
      default -> { }
    }
    return out;
  }

  /** A Designer XML dump (format 2.x): Catalogs/X.xml, Catalogs/X/Ext/ObjectModule.bsl, ... */
  static final class DesignerReader extends Reader {
    DesignerReader(Path root) {
      super(root);
      Element configuration = objectElement(root.resolve("Configuration.xml"));
      Element properties = child(configuration, "Properties");
      release = text(properties, "Version");
      configurationName = text(properties, "Name");
      configurationUuid = configuration.getAttribute("uuid");
      source = "Designer XML dump, format " + MetadataXml.parse(root.resolve("Configuration.xml"))
          .getDocumentElement().getAttribute("version");
    }

    @Override
    Element objectElement(Path file) {
      return children(MetadataXml.parse(file).getDocumentElement(), null).get(0);
    }

    @Override
    Path objectFile(String english, String name) {
      return root.resolve(FOLDERS.get(english)).resolve(name + ".xml");
    }

    @Override
    Path moduleFile(String english, String name, String module) {
      return root.resolve(FOLDERS.get(english)).resolve(name).resolve("Ext").resolve(module + ".bsl");
    }

    @Override
    Path rightsFile(String name) {
      return root.resolve("Roles").resolve(name).resolve("Ext").resolve("Rights.xml");
    }

    @Override
    String property(Element object, String designerName) {
      return text(child(object, "Properties"), designerName);
    }

    @Override
    List<String> owners(Element object) {
      List<String> out = new ArrayList<>();
      for (Element item : children(child(child(object, "Properties"), "Owners"), "Item")) {
        out.add(item.getTextContent().strip());
      }
      return out;
    }

    @Override
    List<Element> items(Element parent, String kind) {
      return children(child(parent, "ChildObjects"), kind);
    }

    @Override
    String name(Element item) {
      return text(child(item, "Properties"), "Name");
    }

    @Override
    List<String> content(Element object) {
      return children(child(child(object, "Properties"), "Content"), "Item").stream()
          .map(e -> e.getTextContent().strip()).filter(ManifestGenerator::ours).sorted().toList();
    }

    @Override
    List<String> type(Element item) {
      Element properties = child(item, "Properties");
      return MetadataXml.designerType(child(properties == null ? item : properties, "Type"), this::definedType);
    }

    @Override
    String fillChecking(Element item) {
      return text(child(item, "Properties"), "FillChecking");
    }

    @Override
    SortedSet<String> predefined(Element object, String english, String name) {
      SortedSet<String> out = new TreeSet<>();
      Path file = root.resolve(FOLDERS.get(english)).resolve(name).resolve("Ext").resolve("Predefined.xml");
      if (Files.exists(file)) {
        collect(MetadataXml.parse(file).getDocumentElement(), out);
      }
      return out;
    }

    private static void collect(Element parent, SortedSet<String> out) {
      for (Element item : children(parent, "Item")) {
        out.add(text(item, "Name"));
        collect(child(item, "ChildItems"), out);
      }
    }
  }

  /** An EDT project: src/Catalogs/X/X.mdo, src/Catalogs/X/ObjectModule.bsl, ... */
  static final class EdtReader extends Reader {
    private static final Map<String, String> ITEMS = Map.of(
        "Attribute", "attributes", "Dimension", "dimensions", "Resource", "resources",
        "TabularSection", "tabularSections", "EnumValue", "enumValues");

    EdtReader(Path root) {
      super(root);
      Element configuration = objectElement(root.resolve("src/Configuration/Configuration.mdo"));
      release = text(configuration, "version");
      configurationName = text(configuration, "name");
      configurationUuid = configuration.getAttribute("uuid");
      source = "EDT project";
    }

    @Override
    Path objectFile(String english, String name) {
      return root.resolve("src").resolve(FOLDERS.get(english)).resolve(name).resolve(name + ".mdo");
    }

    @Override
    Path moduleFile(String english, String name, String module) {
      return root.resolve("src").resolve(FOLDERS.get(english)).resolve(name).resolve(module + ".bsl");
    }

    @Override
    Path rightsFile(String name) {
      return root.resolve("src/Roles").resolve(name).resolve("Rights.rights");
    }

    @Override
    String property(Element object, String designerName) {
      String v = text(object, Character.toLowerCase(designerName.charAt(0)) + designerName.substring(1));
      return v != null ? v : EDT_DEFAULTS.get(designerName);
    }

    @Override
    List<String> owners(Element object) {
      return children(object, "owners").stream().map(e -> e.getTextContent().strip()).toList();
    }

    @Override
    List<Element> items(Element parent, String kind) {
      return children(parent, ITEMS.get(kind));
    }

    @Override
    String name(Element item) {
      return text(item, "name");
    }

    @Override
    List<String> content(Element object) {
      return children(object, "content").stream().map(e -> e.getTextContent().strip())
          .filter(ManifestGenerator::ours).sorted().toList();
    }

    @Override
    List<String> type(Element item) {
      return MetadataXml.edtType(child(item, "type"), this::definedType);
    }

    @Override
    String fillChecking(Element item) {
      return text(item, "fillChecking");
    }

    @Override
    SortedSet<String> predefined(Element object, String english, String name) {
      SortedSet<String> out = new TreeSet<>();
      collect(children(child(object, "predefined"), "items"), out);
      return out;
    }

    private static void collect(List<Element> items, SortedSet<String> out) {
      for (Element item : items) {
        out.add(text(item, "name"));
        collect(children(item, "content"), out);
      }
    }
  }
}
