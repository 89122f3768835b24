package org.onecexporter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/architecture.md (and its Russian version) names the file that does each step of the data path: every path
 * it names exists, every class it names exists somewhere in the sources, and every reactor module has its row —
 * so that the map cannot drift from the house when a file moves.
 */
class ArchitectureDocTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern PATH = Pattern.compile("`([\\w.-]+(?:/[\\w.-]+)+/?)`");
  private static final Pattern CLASS = Pattern.compile("`([A-Z][A-Za-z]+)`");

  @ParameterizedTest
  @ValueSource(strings = {"docs/architecture.md", "docs/architecture.ru.md"})
  void every_named_file_class_and_module_exists(String doc) throws Exception {
    String text = Files.readString(ROOT.resolve(doc));
    List<String> missing = new ArrayList<>();
    Matcher path = PATH.matcher(text);
    int paths = 0;
    while (path.find()) {
      paths++;
      if (!Files.exists(ROOT.resolve(path.group(1)))) {
        missing.add(path.group(1));
      }
    }
    List<String> sources;
    try (var files = Files.walk(ROOT)) {
      sources = files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/"))
          .map(p -> p.getFileName().toString().replace(".java", "")).toList();
    }
    Matcher type = CLASS.matcher(text);
    while (type.find()) {
      if (!sources.contains(type.group(1))) {
        missing.add(type.group(1) + ".java");
      }
    }
    assertThat(missing).as("named in " + doc + " but not in the tree").isEmpty();
    assertThat(paths).isGreaterThan(20);
    Matcher module = Pattern.compile("<module>([\\w-]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (module.find()) {
      if (!module.group(1).startsWith("onec-")) {
        assertThat(text).as(doc + " has a row for " + module.group(1)).contains("| `" + module.group(1) + "/` |");
      }
    }
  }
}
