package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The script files: one per move with its header, shared functions as includes that the scripts name. */
class ScriptsTest {
  private static final Path DIR = Path.of(System.getProperty("user.dir"))
      .resolve("src/main/resources/org/onecexporter/queue/redis");
  private static final Pattern INCLUDE = Pattern.compile("(?m)^--- @include \"includes/([a-z_]+)\"$");
  private static final Pattern FUNCTION = Pattern.compile("(?m)^local function ([a-z_]+)\\(");

  /** The include files, as {@code includes/<name>}. */
  static List<String> includes() {
    try (Stream<Path> files = Files.list(DIR.resolve("includes"))) {
      return files.map(f -> "includes/" + f.getFileName().toString().replace(".lua", "")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void every_move_is_a_file_with_a_header_of_its_keys_arguments_answers_and_replay() throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(DIR)) {
      list.filter(f -> f.toString().endsWith(".lua")).forEach(f -> files.add(f.getFileName().toString()));
    }
    Set<String> expected = new TreeSet<>();
    for (Scripts.Script s : Scripts.Script.values()) {
      expected.add(s.file() + ".lua");
    }
    assertThat(files).isEqualTo(expected);
    for (Scripts.Script s : Scripts.Script.values()) {
      String text = Scripts.resource(s.file());
      assertThat(text).as(s.file()).startsWith("-- " + s.file() + ": ").contains("\n-- KEYS: ")
          .contains("\n-- ARGV: ").contains("\n-- Answers: ").contains("\n-- Replay: ");
    }
  }

  @Test
  void a_script_names_every_function_it_calls_and_includes_nothing_twice() {
    for (Scripts.Script s : Scripts.Script.values()) {
      String assembled = Scripts.assemble(s.file());
      List<String> defined = new ArrayList<>();
      Matcher m = FUNCTION.matcher(assembled);
      while (m.find()) {
        defined.add(m.group(1));
      }
      assertThat(defined).as(s.file() + ": each function defined once").doesNotHaveDuplicates();
      assertThat(assembled).as(s.file()).doesNotContain("@include");
      for (String include : includes()) {
        Matcher f = FUNCTION.matcher(Scripts.resource(include));
        while (f.find()) {
          String name = f.group(1);
          boolean called = Pattern.compile("(?<![a-z_.])" + name + "\\(").matcher(
              assembled.replaceAll("(?m)^local function " + name + "\\(", "")).find();
          if (called) {
            assertThat(defined).as(s.file() + " calls " + name + ": it must include " + include).contains(name);
          }
        }
      }
    }
  }

  @Test
  void every_include_is_one_small_file_some_script_names() {
    Set<String> named = new TreeSet<>();
    List<String> sources = new ArrayList<>(includes());
    for (Scripts.Script s : Scripts.Script.values()) {
      sources.add(s.file());
    }
    for (String source : sources) {
      Matcher m = INCLUDE.matcher(Scripts.resource(source));
      while (m.find()) {
        named.add("includes/" + m.group(1));
      }
    }
    assertThat(named).containsExactlyInAnyOrderElementsOf(includes());
    for (String include : includes()) {
      assertThat(Scripts.resource(include).lines().count()).as(include).isLessThanOrEqualTo(80);
    }
  }
}
