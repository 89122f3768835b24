package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onecexporter.json.Json;
import org.slf4j.MDC;

/**
 * The shipped logback configurations (the worker's and the enqueuer service's), loaded as they are: a value with a
 * right-to-left override (as 1C or a job id may carry) reaches neither the JSON file nor the text log raw, and the
 * JSON line still reads back as the same text.
 */
class LogFormatTest {
  private static final String SPOOF = "INV-2026-\u202e100\u202c \u2066x\u2069\u200f";

  /** {@code context} configured by a shipped logback file, its log files under {@code dir}. */
  private static void configure(LoggerContext context, String config, Path dir) throws Exception {
    context.putProperty("LOG_DIR", dir.toString());
    context.setMDCAdapter(MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Path.of(config).toFile());
  }

  /**
   * Logs through {@code context}, configured by the shipped file {@code config}, and stops it; returns what the text
   * log wrote to stderr.
   */
  private static String logThrough(LoggerContext context, String config, Path dir,
      java.util.function.Consumer<Logger> lines) throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    System.setErr(new PrintStream(text, true, StandardCharsets.UTF_8));
    try {
      configure(context, config, dir);
      lines.accept(context.getLogger("test"));
    } finally {
      context.stop();
      System.setErr(stderr);
    }
    return text.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"src/main/resources/logback.xml", "../enqueuer-service/src/main/resources/logback-enqueuer.xml"})
  void bidirectional_controls_are_escaped_in_the_json_file_and_in_the_text_log(String config, @TempDir Path dir)
      throws Exception {
    LoggerContext context = new LoggerContext();
    String console = logThrough(context, config, dir, log -> {
      MDC.put("order_id", "1001");
      try {
        log.warn("1C answered {}", SPOOF, kv("onec_document_number", SPOOF));
      } finally {
        MDC.remove("order_id");
      }
    });

    String json = Files.readString(dir.resolve("1c_exporter.log"), StandardCharsets.UTF_8);
    assertThat(json).contains("INV-2026-\\u202e100\\u202c \\u2066x\\u2069\\u200f").doesNotContain("\u202e", "\u2066");
    assertThat(Json.MAPPER.readTree(json.lines().filter(l -> l.contains("1C answered")).findFirst().orElseThrow())
        .get("onec_document_number").asText()).isEqualTo(SPOOF);
    assertThat(console).contains("1C answered INV-2026-\\u202e100\\u202c \\u2066x\\u2069\\u200f")
        .doesNotContain("\u202e", "\u2066");
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(s -> s.getLevel() >= ch.qos.logback.core.status.Status.WARN);
  }

  @Test
  void a_cancel_jobs_lines_carry_the_order_id_as_an_exports_do_and_the_job_beside_it(@TempDir Path dir)
      throws Exception {
    LoggerContext context = new LoggerContext();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      configure(context, "src/main/resources/logback.xml", dir);
      Logger log = context.getLogger("test");
      log.info("order {} retry in 500 ms", "cancel:26", JobRunner.jobFields("cancel:26"));
      log.info("order {} retry in 500 ms", "1001", JobRunner.jobFields("1001"));
    } finally {
      context.stop();
      System.setErr(stderr);
    }

    List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("1c_exporter.log"), StandardCharsets.UTF_8)) {
      lines.add(Json.MAPPER.readTree(line));
    }
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("order_id").asText()).as("a search by order finds it").isEqualTo("26");
    assertThat(lines.get(0).get("job").asText()).isEqualTo("cancel:26");
    assertThat(lines.get(1).get("order_id").asText()).isEqualTo("1001");
    assertThat(lines.get(1).has("job")).isFalse();
  }

  /**
   * A logged exception keeps its class and frames, but the messages of its chain are masked as 1C's answers are:
   * a driver's or a parser's message that quotes a buyer's phone or e-mail must not reach either log raw.
   */
  @ParameterizedTest
  @ValueSource(strings = {"src/main/resources/logback.xml", "../enqueuer-service/src/main/resources/logback-enqueuer.xml"})
  void an_exceptions_messages_are_masked_in_both_logs_and_its_frames_kept(String config, @TempDir Path dir)
      throws Exception {
    IllegalStateException failure = new IllegalStateException("no row for +7 (916) 123-45-67 ivan.petrov@example.ru",
        new java.io.IOException("value '89161234567' out of range"));
    failure.addSuppressed(new IllegalArgumentException("card 4276 1600 1234 5678"));
    LoggerContext context = new LoggerContext();
    String console = logThrough(context, config, dir,
        log -> log.error("unexpected failure on a job; it will be retried", failure));

    String stack = Json.MAPPER.readTree(Files.readAllLines(dir.resolve("1c_exporter.log"), StandardCharsets.UTF_8)
        .getFirst()).get("stack_trace").asText();
    for (String log : List.of(stack, console)) {
      assertThat(log).contains("java.lang.IllegalStateException: no row for ***67 ***@***",
              "Caused by: java.io.IOException: value '***67' out of range",
              "Suppressed: java.lang.IllegalArgumentException: card ***78",
              "at org.onecexporter.worker.LogFormatTest.an_exceptions_messages_are_masked")
          .doesNotContain("123-45-67", "ivan.petrov", "89161234567", "1234 5678");
    }
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(s -> s.getLevel() >= ch.qos.logback.core.status.Status.WARN);
  }
}
