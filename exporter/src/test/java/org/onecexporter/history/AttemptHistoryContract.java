package org.onecexporter.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;
import static org.onecexporter.testing.TestOrder.anOrderWithoutItems;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.emulator.Fault;
import org.onecexporter.export.AttemptRecord;
import org.onecexporter.export.ExportStatus;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.RecordingSleeper;
import org.onecexporter.testing.TestDatabase;

/**
 * The attempt history: every attempt of an export lands in export_attempts, in the background. The same on each
 * database: one subclass per server.
 */
@ExtendWith(EmulatorExtension.class)
abstract class AttemptHistoryContract {
  private static final List<Duration> SHORT = List.of(Duration.ofMillis(10), Duration.ofMillis(10));
  private final TestDatabase db;
  private final EmulatorServer emulator;

  AttemptHistoryContract(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    db.truncate();
    db.jdbi().useHandle(h -> h.execute("TRUNCATE export_attempts"));
  }

  private OneCExporter exporter() {
    return Exporters.exporter(db, Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), SHORT), new RecordingSleeper());
  }

  private List<AttemptHistoryRepository.Entry> attempts(long orderId) {
    return new AttemptHistoryRepository(db.jdbi()).forOrder(orderId, 100);
  }

  @Test
  void every_attempt_of_an_export_is_kept_with_its_outcome_status_and_the_1c_document() throws Exception {
    aPaidOrder(1001).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_502));
    OneCExporter exporter = exporter();
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "cli", new SimpleMeterRegistry())) {
      exporter.recordAttemptsTo(history);
      assertThat(exporter.exportInvoice(1001).status()).isEqualTo(ExportStatus.EXPORTED);
      assertThat(exporter.exportInvoice(1001).status()).isEqualTo(ExportStatus.ALREADY_EXPORTED);
      assertThat(history.awaitWritten(Duration.ofSeconds(5))).isTrue();
    }

    List<AttemptHistoryRepository.Entry> rows = attempts(1001);
    assertThat(rows).extracting(e -> e.attempt().outcome())
        .containsExactly("transient_failure", "exported", "already_exported");
    AttemptRecord failed = rows.get(0).attempt();
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.httpStatus()).isEqualTo(502);
    assertThat(failed.error()).isNotBlank();
    assertThat(failed.invoiceNumber()).isEqualTo("INV-2026-001");
    assertThat(failed.permitWaitMillis()).isNotNull().isGreaterThanOrEqualTo(0);
    AttemptRecord exported = rows.get(1).attempt();
    assertThat(exported.attempt()).isEqualTo(2);
    assertThat(exported.httpStatus()).isEqualTo(201);
    assertThat(exported.documentId()).isEqualTo(emulator.invoices().get(0).documentId());
    assertThat(exported.documentNumber()).isNotBlank();
    assertThat(exported.finishedAt()).isAfterOrEqualTo(exported.startedAt());
    assertThat(rows).allSatisfy(e -> assertThat(e.actor()).isEqualTo("cli"));
    assertThat(rows.get(2).attempt().httpStatus()).as("1C not called").isNull();
  }

  @Test
  void a_rejected_order_is_kept_with_its_reason() throws Exception {
    anOrderWithoutItems(7).insert(db.jdbi());
    OneCExporter exporter = exporter();
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "worker-1", new SimpleMeterRegistry())) {
      exporter.recordAttemptsTo(history);
      exporter.attempt(new org.onecexporter.export.AttemptContext(7, 3, null));
      exporter.attempt(new org.onecexporter.export.AttemptContext(8, 1, null));
    }
    assertThat(attempts(7)).singleElement().satisfies(e -> {
      assertThat(e.attempt().outcome()).isEqualTo("rejected_invalid");
      assertThat(e.attempt().attempt()).isEqualTo(3);
      assertThat(e.attempt().permitWaitMillis()).isNull();
      assertThat(e.actor()).isEqualTo("worker-1");
    });
    assertThat(attempts(8)).singleElement().satisfies(e ->
        assertThat(e.attempt().outcome()).isEqualTo("rejected_not_found"));
  }

  @Test
  void a_full_buffer_drops_and_counts_instead_of_blocking_the_export() throws Exception {
    // PostgreSQL unreachable: the writer cannot drain, so the buffer of 2 fills up.
    Jdbi unreachable = Jdbi.create("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AttemptHistory history = new AttemptHistory(unreachable, "w", registry, 2)) {
      long started = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        history.record(record(i));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
      assertThat(history.awaitWritten(Duration.ofSeconds(10))).isTrue();
      assertThat(history.droppedCount()).isEqualTo(1000);
      assertThat(registry.get("onec_attempt_history_dropped").counter().count()).isEqualTo(1000);
    }
  }

  @Test
  void rows_are_written_in_batches_and_old_ones_pruned() throws Exception {
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "w", new SimpleMeterRegistry())) {
      for (int i = 0; i < 250; i++) {
        history.record(record(i));
      }
      assertThat(history.awaitWritten(Duration.ofSeconds(5))).isTrue();
      assertThat(history.droppedCount()).isZero();
    }
    assertThat(count()).isEqualTo(250);
    db.jdbi().useHandle(h -> h.execute(
        "UPDATE export_attempts SET finished_at = " + (db.dialect() == org.onecexporter.db.Dialect.POSTGRESQL
            ? "now() - interval '91 days'" : "UTC_TIMESTAMP(6) - INTERVAL 91 DAY") + " WHERE order_id < 100"));

    long pruned = new AttemptHistoryRepository(db.jdbi()).prune(Duration.ofDays(90));

    assertThat(pruned).isEqualTo(100);
    assertThat(count()).isEqualTo(150);
  }

  private long count() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM export_attempts").mapTo(Long.class).one());
  }

  @Test
  void a_schema_without_the_trace_id_column_still_gets_its_history() {
    db.jdbi().useHandle(h -> h.execute("ALTER TABLE export_attempts DROP COLUMN trace_id"));
    try {
      Instant now = Instant.now();
      try (AttemptHistory history = new AttemptHistory(db.jdbi(), "cli", new SimpleMeterRegistry())) {
        history.record(new AttemptRecord(77, "INV-2026-077", 1, now, now, "exported", 201, null, "d", "n", 0,
            "4bf92f3577b34da6a3ce929d0e0e4736"));
      }
      assertThat(attempts(77)).singleElement().satisfies(e -> {
        assertThat(e.attempt().outcome()).isEqualTo("exported");
        assertThat(e.attempt().traceId()).isNull();
      });
    } finally {
      db.jdbi().useHandle(h -> h.execute("ALTER TABLE export_attempts ADD COLUMN trace_id TEXT"));
    }
    Instant now = Instant.now();
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "cli", new SimpleMeterRegistry())) {
      history.record(new AttemptRecord(78, "INV-2026-078", 1, now, now, "exported", 201, null, "d", "n", 0,
          "4bf92f3577b34da6a3ce929d0e0e4736"));
    }
    assertThat(attempts(78)).singleElement()
        .satisfies(e -> assertThat(e.attempt().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
  }

  private static AttemptRecord record(long orderId) {
    Instant now = Instant.now();
    return new AttemptRecord(orderId, "INV-2026-" + orderId, 1, now, now, "exported", 201, null, "doc", "0001", 0);
  }
}
