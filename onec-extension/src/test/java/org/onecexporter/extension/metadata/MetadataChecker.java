package org.onecexporter.extension.metadata;

import static org.onecexporter.extension.metadata.MetadataXml.child;
import static org.onecexporter.extension.metadata.MetadataXml.children;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.onecexporter.extension.metadata.Types.Type;
import org.w3c.dom.Element;

/**
 * Checks the extension against the UNF manifests: every BSL module of the dump (common modules, HTTP services,
 * forms with their attributes and items), the adopted objects and the role's rights.
 *
 * <pre>
 * java ... MetadataChecker [dump] [metadata]     (defaults: dump, metadata; run from onec-extension/)
 * </pre>
 */
public final class MetadataChecker {
  private final MetaIndex index;
  private final Path dump;
  private final List<Finding> findings = new ArrayList<>();

  public MetadataChecker(Path metadataDir, Path dump) throws IOException {
    this.index = new MetaIndex(MetaIndex.manifests(metadataDir));
    this.dump = dump;
    index.addExtension(dump, findings);
  }

  public static void main(String[] args) throws IOException {
    Path dump = Path.of(args.length > 0 ? args[0] : "dump");
    Path metadata = Path.of(args.length > 1 ? args[1] : "metadata");
    List<Finding> found = new MetadataChecker(metadata, dump).checkDump();
    found.forEach(System.out::println);
    System.out.println(found.size() + " finding(s)");
    System.exit(found.isEmpty() ? 0 : 1);
  }

  public List<String> releases() {
    return index.releaseNames();
  }

  /** All BSL modules of the dump, plus what reading the dump itself found (adopted objects, role rights). */
  public List<Finding> checkDump() throws IOException {
    List<Path> modules;
    try (Stream<Path> walk = Files.walk(dump)) {
      modules = walk.filter(p -> p.toString().endsWith(".bsl")).sorted().toList();
    }
    for (Path module : modules) {
      checkModule(dump.relativize(module).toString(), Files.readString(module, StandardCharsets.UTF_8), module);
    }
    return sorted(findings);
  }

  /**
   * One module's text, as if it were the file name (relative to the dump); location is where it lives in the dump,
   * which for a form module tells the form (null for a common or service module outside the dump). Returns the
   * findings in this module only.
   */
  public List<Finding> checkModule(String name, String text, Path location) {
    int before = findings.size();
    Map<String, Type> globals = new HashMap<>();
    Set<String> items = null;
    Resolver resolver = new Resolver(index, findings);
    if (location != null && location.getFileName().toString().equals("Module.bsl")
        && location.getParent().getFileName().toString().equals("Form")) {
      Path formXml = location.getParent().getParent().resolve("Form.xml");
      if (Files.exists(formXml)) {
        items = new HashSet<>();
        Element form = MetadataXml.parse(formXml).getDocumentElement();
        collectItems(child(form, "ChildItems"), items);
        for (Element a : children(child(form, "Attributes"), "Attribute")) {
          List<String> type = MetadataXml.designerType(child(a, "Type"), n -> List.of("ОпределяемыйТип." + n));
          globals.put(a.getAttribute("name").toLowerCase(Locale.ROOT), resolver.fromNames(type));
        }
      }
    }
    new ModuleChecker(resolver, name, text, globals, items).check();
    return sorted(findings.subList(before, findings.size()));
  }

  private static void collectItems(Element parent, Set<String> out) {
    for (Element e : children(parent, null)) {
      if (e.hasAttribute("name")) {
        out.add(e.getAttribute("name").toLowerCase(Locale.ROOT));
      }
      collectItems(child(e, "ChildItems"), out);
    }
  }

  private static List<Finding> sorted(List<Finding> list) {
    List<Finding> out = new ArrayList<>(list);
    out.sort(Comparator.comparing(Finding::file).thenComparingInt(Finding::line).thenComparing(Finding::message));
    return out;
  }
}
