package org.onecexporter.enqueuer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a payment processor's build gets from the library: the dependency tree Maven wrote for this build
 * (maven-dependency-plugin, bound before the tests in this module's pom) must be the README's copy, and what
 * Maven passes on (everything not optional) must come from the queue module, Redisson's own dependencies and
 * SLF4J.
 */
class EnqueuerLibraryDependenciesTest {
  private static final Pattern ARTIFACT = Pattern.compile("([\\w.\\-]+):([\\w.\\-]+):jar:([\\w.\\-]+):(\\w+)( \\(optional\\))?");

  /** Redisson 4.7's own dependencies, the queue module and SLF4J; anything else is new. */
  private static final Set<String> PASSED_ON_GROUPS = Set.of("org.onecexporter", "org.redisson", "io.netty",
      "javax.cache", "io.projectreactor", "org.reactivestreams", "io.reactivex.rxjava3", "com.esotericsoftware",
      "org.objenesis", "org.yaml", "org.jodd", "org.slf4j");

  @ParameterizedTest
  @ValueSource(strings = {"../README.md", "../README.ru.md"})
  void the_build_tree_is_the_readme_tree(String file) throws Exception {
    String built = Files.readString(Path.of("target/dependency-tree.txt")).strip();
    String readme = Files.readString(Path.of(file));
    String begin = "<!-- enqueuer-api dependency tree: begin -->\n```\n";
    int from = readme.indexOf(begin);
    int to = readme.indexOf("```\n<!-- enqueuer-api dependency tree: end -->");
    assertThat(from).as("README marks the tree").isPositive();
    assertThat(readme.substring(from + begin.length(), to).strip())
        .as("README's dependency tree (update it only after deciding the new dependency is acceptable)")
        .isEqualTo(built);
  }

  @Test
  void a_consumer_gets_only_the_queue_redisson_and_slf4j() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("target/dependency-tree.txt"));
    assertThat(lines.get(0)).startsWith("org.onecexporter:enqueuer-api:jar:");
    int passedOn = 0;
    for (String line : lines.subList(1, lines.size())) {
      Matcher m = ARTIFACT.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      if (m.group(5) != null || line.contains("(optional)")) {
        assertThat(m.group(1)).as("only OpenTelemetry is optional: %s", line).isEqualTo("io.opentelemetry");
        continue;
      }
      passedOn++;
      assertThat(m.group(4)).as(line).isIn("compile", "runtime");
      assertThat(PASSED_ON_GROUPS).as("a dependency a payment processor would get: %s", line).contains(m.group(1));
    }
    assertThat(lines).as("the queue module and SLF4J are there")
        .anyMatch(l -> l.contains("org.onecexporter:queue:jar:"))
        .anyMatch(l -> l.contains("org.slf4j:slf4j-api:jar:"))
        .noneMatch(l -> l.contains("jackson") || l.contains("postgresql") || l.contains("micrometer")
            || l.contains("httpclient") || l.contains("onecexporter:common"));
    assertThat(passedOn).isGreaterThan(3);
  }
}
