package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.onecexporter.queue.model.JobMoves;
import org.onecexporter.queue.model.JobState;

/**
 * The job's life is written down once ({@link JobState}, {@link JobMoves}); what shows it elsewhere is checked
 * against it: ops/REDIS.md's table, and the state names the Lua scripts use (includes/states.lua's STATE_* constants, no
 * state spelled as a literal in a script).
 */
class JobMovesDocTest {
  private static final String BEGIN = "<!-- job-life:begin";
  private static final String END = "<!-- job-life:end -->";

  @Test
  void redis_md_shows_the_table_of_the_code() throws IOException {
    Path doc = Path.of(System.getProperty("user.dir")).resolve("../ops/REDIS.md").normalize();
    String text = Files.readString(doc);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("ops/REDIS.md has the generated job-life block").isNotNegative();
    assertThat(end).isGreaterThan(begin);
    String shown = text.substring(text.indexOf('\n', begin) + 1, end).strip();
    assertThat(shown).as("ops/REDIS.md's job-life block is JobMoves.markdown() (paste it from the expected text)")
        .isEqualTo(JobMoves.markdown().strip());
  }

  @Test
  void the_scripts_name_the_states_as_the_code_does() {
    String states = script("includes/states");
    Matcher m = Pattern.compile("(?m)^local (STATE_\\w+(?:, STATE_\\w+)*) = ('[^']*'(?:, '[^']*')*)$")
        .matcher(states);
    assertThat(m.find()).as("includes/states.lua defines the STATE_* constants on one line").isTrue();
    List<String> names = Arrays.asList(m.group(1).split(", "));
    List<String> values = Arrays.stream(m.group(2).split(", ")).map(v -> v.substring(1, v.length() - 1)).toList();
    List<String> expectedNames = new ArrayList<>();
    List<String> expectedValues = new ArrayList<>();
    for (JobState s : JobState.values()) {
      if (s != JobState.NONE) { // no record: no state field
        expectedNames.add("STATE_" + s.name());
        expectedValues.add(s.wire());
      }
    }
    assertThat(names).isEqualTo(expectedNames);
    assertThat(values).isEqualTo(expectedValues);
  }

  @Test
  void no_script_spells_a_state_as_a_literal() {
    List<String> scripts = new ArrayList<>(JobMoves.JOB_SCRIPTS);
    scripts.addAll(ScriptsTest.includes());
    List<String> found = new ArrayList<>();
    for (String name : scripts) {
      String[] lines = script(name).split("\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (line.strip().startsWith("--") || line.startsWith("local STATE_") || line.contains("HINCRBY")) {
          continue; // comments, the definition, counters named after a state ('dead' in P:stats)
        }
        for (JobState s : JobState.values()) {
          if (line.contains("'" + s.wire() + "'")) {
            found.add(name + ".lua:" + (i + 1) + ": " + line.strip());
          }
        }
      }
    }
    assertThat(found).as("state literals (use STATE_*)").isEmpty();
  }

  private static String script(String name) {
    try (InputStream in = JobQueue.class.getResourceAsStream("redis/" + name + ".lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
