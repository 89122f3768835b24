package org.onecexporter.extension.metadata;

import static org.onecexporter.extension.metadata.MetadataXml.child;
import static org.onecexporter.extension.metadata.MetadataXml.children;
import static org.onecexporter.extension.metadata.MetadataXml.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.onecexporter.extension.metadata.Manifest.MdObject;
import org.onecexporter.extension.metadata.Manifest.Method;
import org.w3c.dom.Element;

/**
 * What the code may refer to: the UNF objects of every release manifest, plus the extension's own objects read from
 * its dump (registers, common modules, ...). An adopted object is the UNF one; attributes the extension adds to it
 * are added to it here.
 */
public final class MetaIndex {
  private final List<Manifest> releases;
  private final Map<String, MdObject> own = new LinkedHashMap<>();
  private final Map<String, MdObject> additions = new LinkedHashMap<>();

  public MetaIndex(List<Manifest> releases) {
    this.releases = List.copyOf(releases);
  }

  /** The committed manifests, oldest release first. */
  public static List<Manifest> manifests(Path metadataDir) throws IOException {
    List<Manifest> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(metadataDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().matches("unf-.*\\.json")).sorted().toList()) {
        out.add(Manifest.read(f));
      }
    }
    out.sort((a, b) -> compareVersions(a.release(), b.release()));
    return out;
  }

  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  public List<String> releaseNames() {
    return releases.stream().map(Manifest::release).toList();
  }

  /** The object in each release (release to object, null where it does not exist). */
  public Map<String, MdObject> object(String key) {
    Map<String, MdObject> out = new LinkedHashMap<>();
    for (Manifest m : releases) {
      MdObject o = own.containsKey(key) ? own.get(key) : m.objects().get(key);
      out.put(m.release(), o == null ? null : merge(o, additions.get(key)));
    }
    return out;
  }

  /** Whether the object is known at all: in a manifest (present or recorded missing) or the extension's own. */
  public boolean listed(String key) {
    return own.containsKey(key)
        || releases.stream().anyMatch(m -> m.objects().containsKey(key) || m.missing().contains(key));
  }

  public boolean isOwn(String key) {
    return own.containsKey(key);
  }

  private static MdObject merge(MdObject base, MdObject extra) {
    if (extra == null) {
      return base;
    }
    SortedMap<String, List<String>> attributes = new TreeMap<>(base.attributes() == null ? Map.of() : base.attributes());
    if (extra.attributes() != null) {
      attributes.putAll(extra.attributes());
    }
    return new MdObject(base.kind(), base.name(), base.uuid(), base.properties(), base.standardAttributes(),
        base.dimensions(), base.resources(), attributes, base.tabularSections(), base.enumValues(),
        base.predefined(), base.managerModule(), base.objectModule(), base.module(), base.rights());
  }

  // --- the extension's own dump ---

  private static final Map<String, String> FOLDER_KINDS = Map.of(
      "Catalogs", "Справочник", "Documents", "Документ", "Enums", "Перечисление",
      "InformationRegisters", "РегистрСведений", "CommonModules", "ОбщийМодуль", "Roles", "Роль");

  /**
   * Reads the extension's objects from its dump and reports what in the dump itself does not match UNF: an adopted
   * object that does not exist in a release or whose parent uuid differs from it, and role rights on objects that do
   * not exist.
   */
  public void addExtension(Path dump, List<Finding> findings) throws IOException {
    for (Map.Entry<String, String> folder : FOLDER_KINDS.entrySet()) {
      Path dir = dump.resolve(folder.getKey());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
          readOwn(dump, folder.getKey(), folder.getValue(), file, findings);
        }
      }
    }
    // Role rights name objects: each must exist (checked once everything is read).
    Path roles = dump.resolve("Roles");
    if (Files.isDirectory(roles)) {
      try (Stream<Path> files = Files.walk(roles)) {
        for (Path rights : files.filter(p -> p.getFileName().toString().equals("Rights.xml")).sorted().toList()) {
          for (Element o : children(MetadataXml.parse(rights).getDocumentElement(), "object")) {
            String[] name = text(o, "name").split("\\.");
            String kind = MetadataXml.russianKind(name[0]);
            if (kind != null && name.length >= 2) {
              requireObject(kind + "." + name[1], dump.relativize(rights).toString(), 1, findings);
            }
          }
        }
      }
    }
  }

  /** A finding unless the object exists in every release. */
  void requireObject(String key, String file, int line, List<Finding> findings) {
    if (!listed(key)) {
      findings.add(new Finding(file, line, key + " is not in the UNF manifest: add it to metadata/objects.txt and "
          + "regenerate (metadata/README.md)"));
      return;
    }
    List<String> lacking = new ArrayList<>();
    object(key).forEach((release, o) -> {
      if (o == null) {
        lacking.add(release);
      }
    });
    if (!lacking.isEmpty()) {
      findings.add(new Finding(file, line, key + " does not exist in UNF " + String.join(", ", lacking)));
    }
  }

  private void readOwn(Path dump, String folder, String kind, Path file, List<Finding> findings) throws IOException {
    Element object = children(MetadataXml.parse(file).getDocumentElement(), null).get(0);
    Element properties = child(object, "Properties");
    String name = text(properties, "Name");
    String key = kind + "." + name;
    String rel = dump.relativize(file).toString();
    SortedMap<String, List<String>> attributes = columns(object, "Attribute");
    if ("Adopted".equals(text(properties, "ObjectBelonging"))) {
      requireObject(key, rel, 1, findings);
      String parent = text(properties, "ExtendedConfigurationObject");
      object(key).forEach((release, o) -> {
        if (o != null && !o.uuid().equals(parent)) {
          findings.add(new Finding(rel, 1, "adopted " + key + ": ExtendedConfigurationObject is "
              + (parent == null ? "missing" : parent) + ", the object's uuid in UNF " + release + " is " + o.uuid()));
        }
      });
      if (!attributes.isEmpty()) {
        additions.put(key, new MdObject(kind, name, null, null, null, null, null, attributes, null, null, null, null,
            null, null, null));
      }
      return;
    }
    String english = MetadataXml.KINDS.get(kind);
    SortedMap<String, Object> props = new TreeMap<>();
    for (String p : List.of("InformationRegisterPeriodicity", "WriteMode", "Server", "ServerCall", "Global")) {
      String v = text(properties, p);
      if (v != null) {
        props.put(p, v.equals("true") || v.equals("false") ? (Object) Boolean.parseBoolean(v) : v);
      }
    }
    SortedMap<String, Method> module = new TreeMap<>();
    Path bsl = dump.resolve(folder).resolve(name).resolve("Ext/Module.bsl");
    if (kind.equals("ОбщийМодуль") && Files.exists(bsl)) {
      for (BslMethods.Declared d : BslMethods.scan(Files.readString(bsl, StandardCharsets.UTF_8))) {
        if (d.export()) {
          module.put(d.name(), new Method(d.function(), d.required(), d.parameters().size(), d.parameters(),
              d.function() && d.doc().returns() != null ? d.doc().returns().types() : List.of()));
        }
      }
    }
    own.put(key, new MdObject(kind, name, object.getAttribute("uuid"), props,
        ManifestGenerator.standardAttributes(english, name, props),
        columns(object, "Dimension"), columns(object, "Resource"), attributes, new TreeMap<>(), List.of(),
        new TreeSet<>(), new TreeMap<>(), new TreeMap<>(), module, new TreeMap<>()));
  }

  private SortedMap<String, List<String>> columns(Element object, String kind) {
    SortedMap<String, List<String>> out = new TreeMap<>();
    for (Element item : children(child(object, "ChildObjects"), kind)) {
      Element p = child(item, "Properties");
      out.put(text(p, "Name"), MetadataXml.designerType(child(p, "Type"), n -> List.of("ОпределяемыйТип." + n)));
    }
    return out;
  }
}
