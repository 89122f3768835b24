package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.json.Json;
import org.onecexporter.onec.BasicAuth;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/** The README's quick start, run as a user runs it: a separate process, environment variables, a log file. */
@ExtendWith({DatabaseExtension.class, EmulatorExtension.class})
class CliEndToEndTest {
  private final EmulatorServer emulator;
  private final TestDatabase db;
  @TempDir
  Path logDir;

  CliEndToEndTest(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    db.truncate();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("ONEC_BASE_URL", emulator.baseUrl());
    env.put("ONEC_USERNAME", EmulatorConfig.DEFAULT_USERNAME);
    env.put("ONEC_PASSWORD", EmulatorConfig.DEFAULT_PASSWORD);
    env.put("ONEC_RETRY_DELAYS", "0.05,0.05,0.05");
    env.put("LOG_DIR", logDir.toString());
    return env;
  }

  private static JsonNode json(CliProcess.Result result) throws Exception {
    assertThat(result.stdout().strip().lines()).as("stdout is one JSON object; stderr: %s", result.stderr()).hasSize(1);
    return Json.MAPPER.readTree(result.stdout());
  }

  @Test
  void quick_start_export_then_already_exported_then_unpaid() throws Exception {
    aPaidOrder(1001).insert(db.jdbi());
    aPaidOrder(1002).status("new").insert(db.jdbi());

    CliProcess.Result first = CliProcess.run(env(), "export", "1001");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    JsonNode firstJson = json(first);
    assertThat(firstJson.get("status").asText()).isEqualTo("exported");
    assertThat(firstJson.get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(firstJson.get("attempts").asInt()).isEqualTo(1);
    assertThat(firstJson.get("error").isNull()).isTrue();
    assertThat(firstJson.has("exported_at")).isTrue();
    assertThat(first.stderr()).contains("Order 1001 exported to 1C as INV-2026-001");

    CliProcess.Result again = CliProcess.run(env(), "export", "1001");
    assertThat(again.exitCode()).isZero();
    assertThat(json(again).get("status").asText()).isEqualTo("already_exported");
    assertThat(json(again).get("exported_at").asText()).isEqualTo(firstJson.get("exported_at").asText());

    CliProcess.Result unpaid = CliProcess.run(env(), "export", "1002");
    assertThat(unpaid.exitCode()).isEqualTo(ExitCodes.REJECTED);
    assertThat(json(unpaid).get("error").asText()).isEqualTo("Order status is 'new', expected 'paid'");
    assertThat(unpaid.stderr()).contains("Order 1002 rejected: Order status is 'new', expected 'paid'");

    assertThat(emulator.invoices()).filteredOn(i -> i.invoiceNumber().equals("INV-2026-001")).hasSize(1);

    Path log = logDir.resolve("1c_exporter.log");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    JsonNode attempt = lines.stream().map(CliEndToEndTest::parse)
        .filter(n -> n.path("http_status").asInt() == 201).findFirst().orElseThrow();
    assertThat(attempt.get("order_id").asLong()).isEqualTo(1001);
    assertThat(attempt.get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
    assertThat(attempt.has("duration_ms")).isTrue();
    assertThat(attempt.get("outcome").asText()).isEqualTo("exported");
    assertThat(attempt.get("request_body").asText()).contains("\"invoice_number\":\"INV-2026-001\"", "Варочная панель");
    assertThat(attempt.get("response_body").asText()).contains("\"status\":\"created\"");

    String all = Files.readString(log, StandardCharsets.UTF_8);
    String authValue = BasicAuth.header(EmulatorConfig.DEFAULT_USERNAME, EmulatorConfig.DEFAULT_PASSWORD);
    assertThat(all)
        .doesNotContain(EmulatorConfig.DEFAULT_PASSWORD)
        .doesNotContain(authValue.substring("Basic ".length()))
        .doesNotContain("Иван Иванов").doesNotContain("9991234567").doesNotContain("Ленина");
  }

  @Test
  void log_pii_true_logs_customer_data_for_debugging() throws Exception {
    aPaidOrder(2001).customer("Пётр Петров", "+79990001122", "Казань").insert(db.jdbi());
    Map<String, String> env = env();
    env.put("LOG_PII", "true");
    assertThat(CliProcess.run(env, "export", "2001").exitCode()).isZero();
    assertThat(Files.readString(logDir.resolve("1c_exporter.log"), StandardCharsets.UTF_8))
        .contains("Пётр Петров", "+79990001122").doesNotContain(EmulatorConfig.DEFAULT_PASSWORD);
  }

  @Test
  void a_missing_variable_is_named_and_nothing_is_exported() throws Exception {
    aPaidOrder(3001).insert(db.jdbi());
    Map<String, String> env = env();
    env.remove("ONEC_BASE_URL");
    CliProcess.Result result = CliProcess.run(env, "export", "3001");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.stderr()).contains("configuration error: ONEC_BASE_URL: is not set");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void a_malformed_order_id_is_a_usage_error() throws Exception {
    CliProcess.Result result = CliProcess.run(env(), "export", "12abc");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.stderr()).contains("12abc");
  }

  @Test
  void transient_failures_that_outlast_the_schedule_exit_failed() throws Exception {
    aPaidOrder(4001).insert(db.jdbi());
    emulator.faults().script(List.of(emulatorFault("error_503"), emulatorFault("error_503"), emulatorFault("error_503"),
        emulatorFault("error_503")));
    CliProcess.Result result = CliProcess.run(env(), "export", "4001");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(json(result).get("status").asText()).isEqualTo("failed");
    assertThat(json(result).get("attempts").asInt()).isEqualTo(4);
    Boolean exported = db.jdbi().withHandle(h -> h.createQuery(
        "SELECT invoice_exported_to_1c FROM orders WHERE id = 4001").mapTo(Boolean.class).one());
    assertThat(exported).isFalse();
  }

  @Test
  void migrate_is_idempotent() throws Exception {
    CliProcess.Result result = CliProcess.run(env(), "migrate");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    // The test's schema is migrated already: the same version, nothing applied (the latest migration's number,
    // read from Flyway's own history, so that a new migration does not break this test).
    String latest = db.jdbi().withHandle(h -> h.createQuery(
        "SELECT version FROM onec_exporter_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")
        .mapTo(String.class).one());
    assertThat(latest).isNotBlank();
    assertThat(result.stdout()).contains("schema at version " + latest + " (0 migration(s) applied)");
  }

  private static org.onecexporter.emulator.Fault emulatorFault(String name) {
    return org.onecexporter.emulator.Fault.parse(name);
  }

  private static JsonNode parse(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("log line is not JSON: " + line, e);
    }
  }
}
