package org.onecexporter.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/glossary.ru.md gives each concept one Russian name: no Russian text of the project (the console, README.ru.md,
 * docs/*.ru.md, the 1C extension's README.ru.md) uses a name it forbids, outside code, and the console names job
 * states, DLQ reasons, order statuses and circuit states exactly as its tables say.
 */
class GlossaryTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path CONSOLE = Path.of("src", "main", "resources", "console");

  /** The glossary's tables by their heading, each row's cells (header and separator rows left out). */
  private static Map<String, List<List<String>>> tables() throws IOException {
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    String heading = "";
    for (String line : Files.readAllLines(ROOT.resolve("docs/glossary.ru.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("## ")) {
        heading = line.substring(3).strip();
      } else if (line.startsWith("|") && !line.startsWith("|---")) {
        List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|", -1))
            .map(String::strip).toList();
        tables.computeIfAbsent(heading, h -> new ArrayList<>()).add(cells);
      }
    }
    tables.values().forEach(rows -> rows.remove(0)); // the header row
    return tables;
  }

  /** Prose only: fenced code blocks and `inline code` removed, lower case. */
  private static String prose(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (file.toString().endsWith(".md")) {
      text = text.replaceAll("(?s)```.*?```", " ").replaceAll("`[^`\\n]*`", " ");
    }
    return text.toLowerCase(Locale.ROOT).replace('ё', 'е');
  }

  private static List<Path> russianTexts() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.ru.md"),
        ROOT.resolve("onec-extension/README.ru.md"), CONSOLE.resolve("app.js").toAbsolutePath(),
        CONSOLE.resolve("messages.json").toAbsolutePath()));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".ru.md"))
          .filter(p -> !p.getFileName().toString().equals("glossary.ru.md")).sorted().forEach(files::add);
    }
    return files;
  }

  @Test
  void no_russian_text_uses_a_name_the_glossary_forbids() throws IOException {
    List<List<String>> concepts = tables().get("Понятия");
    assertThat(concepts).as("the glossary's concepts").hasSizeGreaterThan(5);
    List<String> found = new ArrayList<>();
    for (Path file : russianTexts()) {
      String text = prose(file);
      for (List<String> row : concepts) {
        for (String forbidden : row.get(2).split(",")) {
          String word = forbidden.strip().replace("«", "").replace("»", "").toLowerCase(Locale.ROOT).replace('ё', 'е');
          if (!word.isEmpty() && text.contains(word)) {
            found.add(ROOT.relativize(file) + ": «" + word + "» (say «" + row.get(1) + "»)");
          }
        }
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void the_console_names_states_reasons_statuses_and_circuits_as_the_glossary_does() throws IOException {
    String app = Files.readString(CONSOLE.resolve("app.js"), StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, List<List<String>>> table : tables().entrySet()) {
      if (!table.getKey().startsWith("Консоль")) {
        continue;
      }
      for (List<String> row : table.getValue()) {
        checked++;
        if (!app.contains(row.get(0) + ": '" + row.get(1) + "'")) {
          missing.add(table.getKey() + ": " + row.get(0) + " → " + row.get(1));
        }
      }
    }
    assertThat(checked).isGreaterThan(15);
    assertThat(missing).isEmpty();
  }

  @Test
  void the_dlq_and_the_worker_go_by_their_glossary_names() throws IOException {
    for (Path file : List.of(CONSOLE.resolve("app.js"), ROOT.resolve("README.ru.md"), ROOT.resolve("docs/runbook.ru.md"))) {
      assertThat(prose(file)).as(file.toString()).contains("очередь ошибок").contains("воркер");
    }
  }
}
