package org.onecexporter.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The emulator answers every example in onec-extension/contract as the 1C side must. */
class ContractExamplesTest {
  private static final Path CONTRACT = Path.of("..", "onec-extension", "contract");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void the_emulator_honours_every_contract_example_in_order() throws Exception {
    List<Path> requests;
    try (Stream<Path> files = Files.list(CONTRACT)) {
      requests = files.filter(p -> p.getFileName().toString().endsWith(".request.json")).sorted().toList();
    }
    assertThat(requests).hasSizeGreaterThanOrEqualTo(4);
    HttpClient http = HttpClient.newHttpClient();
    String auth = "Basic " + Base64.getEncoder().encodeToString(
        (EmulatorConfig.DEFAULT_USERNAME + ":" + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.UTF_8));
    Map<String, JsonNode> answers = new HashMap<>();
    try (EmulatorServer server = new EmulatorServer(EmulatorConfig.forTests()).start()) {
      for (Path request : requests) {
        String name = request.getFileName().toString().replace(".request.json", "");
        JsonNode expected = JSON.readTree(CONTRACT.resolve(name + ".expected.json").toFile());
        // A case of another method names its path (as sent: URL-encoded) in NN-name.request.path.
        Path pathFile = CONTRACT.resolve(name + ".request.path");
        String path = Files.exists(pathFile) ? Files.readString(pathFile).strip() : "/hs/invoices";
        // What 1C must hold before the case: documents based on an invoice (an accountant's payment).
        expected.path("given").path("based_documents").fields().forEachRemaining(e -> e.getValue().forEach(type ->
            assertThat(server.addBasedDocument(e.getKey(), type.asText())).as(name + " given").isTrue()));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", auth)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Idempotency-Key", name)
                .POST(HttpRequest.BodyPublishers.ofString(Files.readString(request), StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(response.body());
        answers.put(name, body);

        assertThat(response.statusCode()).as(name).isEqualTo(expected.get("http_status").asInt());
        expected.path("body").fields().forEachRemaining(f ->
            assertThat(body.get(f.getKey())).as(name + " " + f.getKey()).isEqualTo(f.getValue()));
        expected.path("body_patterns").fields().forEachRemaining(f ->
            assertThat(body.path(f.getKey()).asText()).as(name + " " + f.getKey()).matches(f.getValue().asText()));
        expected.path("same_as_case").fields().forEachRemaining(f -> f.getValue().forEach(field ->
            assertThat(body.get(field.asText())).as(name + " " + field.asText() + " repeats " + f.getKey())
                .isEqualTo(answers.get(f.getKey()).get(field.asText()))));
        for (JsonNode word : expected.path("errors_contain")) {
          assertThat(body.get("errors").toString()).as(name + " errors").contains(word.asText());
        }
      }
      assertThat(server.invoices()).as("the repeat created nothing").hasSize(2);
      assertThat(server.deletionMarked("INV-2026-001")).as("the cancelled invoice is marked").isTrue();
      assertThat(server.deletionMarked("INV-2026-011")).as("the invoice with a payment is not").isFalse();
    }
  }
}
