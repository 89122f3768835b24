package org.onecexporter.extension;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * There is no 1C platform here to run the handler, so the extension is held to the contract examples through
 * what it documents and what it can say: every expected answer in onec-extension/contract must be one of the
 * answers documented at the top of the handler's module ("// Answer 201: {...}"), every JSON field the
 * examples require must be written by the module, and every problem an example expects must be a message the
 * module builds. The emulator is held to the same files by ContractExamplesTest.
 */
class ContractDocumentationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ANSWER = Pattern.compile("(?m)^// Answer (\\d{3}): (\\{.*})$");
  /** The cancel method's answers: "// Cancel answer 200: {...}", several per status (told apart by "status"). */
  private static final Pattern CANCEL_ANSWER = Pattern.compile("(?m)^// Cancel answer (\\d{3}): (\\{.*})$");
  /** A BSL string literal ("" inside is a quote); possessive runs, so a long query text does not overflow the stack. */
  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"]++|\"\")*+)\"");
  private static final Pattern ITEM_PATH = Pattern.compile("items\\[\\d+]\\.(\\w+)");

  @Test
  void every_contract_example_is_a_documented_answer_the_module_can_give() throws Exception {
    String module = Dump.read(Dump.COMMON_MODULE);
    Map<Integer, JsonNode> documented = new HashMap<>();
    Matcher m = ANSWER.matcher(module);
    while (m.find()) {
      documented.put(Integer.parseInt(m.group(1)), JSON.readTree(m.group(2)));
    }
    assertThat(documented).containsOnlyKeys(201, 200, 400, 403, 409, 413, 422, 503, 500);
    Map<Integer, List<JsonNode>> cancelDocumented = new HashMap<>();
    Matcher c = CANCEL_ANSWER.matcher(module);
    while (c.find()) {
      cancelDocumented.computeIfAbsent(Integer.parseInt(c.group(1)), k -> new ArrayList<>()).add(JSON.readTree(c.group(2)));
    }
    assertThat(cancelDocumented).containsOnlyKeys(200, 400, 403, 404, 409, 413, 422, 500);

    List<String> literals = new ArrayList<>();
    Matcher lit = LITERAL.matcher(module.replaceAll("(?m)^\\s*//.*$", ""));
    while (lit.find()) {
      literals.add(lit.group(1).replace("\"\"", "\""));
    }

    List<Path> examples;
    try (Stream<Path> files = Files.list(Dump.CONTRACT)) {
      examples = files.filter(p -> p.toString().endsWith(".expected.json")).sorted().toList();
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
    for (Path example : examples) {
      JsonNode expected = JSON.readTree(example.toFile());
      int status = expected.get("http_status").asInt();
      boolean cancel = Files.exists(Path.of(example.toString().replace(".expected.json", ".request.path")));
      String said = expected.path("body").path("status").asText(null);
      JsonNode answer = !cancel ? documented.get(status) : cancelDocumented.getOrDefault(status, List.of()).stream()
          .filter(a -> said == null || said.equals(a.path("status").asText())).findFirst().orElse(null);
      assertThat(answer).as(example + ": HTTP " + status + (cancel ? " of the cancel method" : "") + " is documented")
          .isNotNull();
      expected.path("body").fields().forEachRemaining(f -> {
        assertThat(answer.get(f.getKey())).as(example + " " + f.getKey()).isEqualTo(f.getValue());
        assertThat(literals).as(example + ": the module writes " + f.getKey()).contains(f.getKey());
        if (f.getValue().isTextual() && !"invoice_number".equals(f.getKey())) {
          assertThat(literals).as(example + ": the module writes the value").contains(f.getValue().asText());
        }
      });
      expected.path("body_patterns").fieldNames().forEachRemaining(field -> {
        assertThat(answer.has(field)).as(example + ": documented answer has " + field).isTrue();
        assertThat(literals).as(example + ": the module writes " + field).contains(field);
      });
      for (JsonNode word : expected.path("errors_contain")) {
        assertThat(answer.has("errors")).isTrue();
        assertThat(canSay(literals, word.asText())).as(example + ": a message of the module names " + word).isTrue();
      }
      assertThat(module).as("the status is answered in code").contains("(" + status + ", ");
    }
  }

  /** items[0].total is built as ПутьСтроки(Индекс) + ".total ..." with ПутьСтроки returning "items[" + i + "]". */
  private static boolean canSay(List<String> literals, String word) {
    Matcher item = ITEM_PATH.matcher(word);
    if (item.matches()) {
      return literals.contains("items[") && literals.stream().anyMatch(l -> l.startsWith("." + item.group(1) + " "));
    }
    return literals.stream().anyMatch(l -> l.startsWith(word + " ") || l.equals(word));
  }
}
