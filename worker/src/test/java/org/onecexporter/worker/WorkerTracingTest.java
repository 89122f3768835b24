package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.emulator.Fault;
import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.export.Sleeper;
import org.onecexporter.history.AttemptHistory;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.HttpOneCClient;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * One order's trace, from the payment through the enqueue, a failed attempt and its retry, to the call that
 * created the invoice: real Redis, PostgreSQL and the emulator over HTTP, an in-memory span exporter as the SDK.
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class WorkerTracingTest {
  /** The SDK of this class; closed after the class, so a subclass registers and returns its own ({@link #otel}). */
  @RegisterExtension
  static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private static final List<Duration> SCHEDULE = List.of(Duration.ofMillis(200), Duration.ofMillis(400));
  private static final AttributeKey<Long> ORDER_ID = AttributeKey.longKey("onec.order_id");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("onec.attempt");

  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  private Worker worker;
  private AttemptHistory history;

  WorkerTracingTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (history != null) {
      history.close();
    }
  }

  @Test
  void one_trace_from_the_payment_through_a_retry_to_the_invoice() {
    db.truncate();
    redis.queue().deleteAll();
    aPaidOrder(4242).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_502));
    JobQueue queue = redis.queue();

    Span payment = otel().getOpenTelemetry().getTracer("shop").spanBuilder("payment").startSpan();
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(new LazyQueue(redis::client, queue.keys(), Duration.ofSeconds(1)));
    try (Scope ignored = payment.makeCurrent()) {
      assertThat(enqueuer.enqueue(4242)).isEqualTo(EnqueueStatus.QUEUED);
    } finally {
      payment.end();
    }
    String traceId = payment.getSpanContext().getTraceId();

    OneCConfig oneC = Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(2), SCHEDULE);
    WorkerConfig config = WorkerConfig.builder("trace-worker", queue.keys())
        .concurrency(2)
        .lease(Duration.ofSeconds(2))
        .circuitFailures(3)
        .circuitOpen(Duration.ofMillis(1500))
        .reconcileInterval(Duration.ofHours(1))
        .reconcileMinAge(Duration.ZERO)
        .shutdownGrace(Duration.ofSeconds(5))
        .build();
    OneCExporter exporter = new OneCExporter(db.jdbi(),
        new PermitGatedClient(new HttpOneCClient(oneC, 4), queue, 4, oneC.timeout(),
            PermitGatedClient.MAX_PERMIT_WAIT, new java.util.concurrent.atomic.AtomicInteger()),
        new InvoiceBuilder(ZoneId.of("Europe/Moscow")), new RetrySchedule(SCHEDULE), Sleeper.REAL, Clock.systemUTC(),
        new PiiMasker(true), oneC.timeout());
    history = new AttemptHistory(db.jdbi(), "trace-worker", new SimpleMeterRegistry());
    exporter.recordAttemptsTo(history);
    worker = new Worker(config, queue, exporter, new Reconciler(db.jdbi(), queue, Duration.ZERO)).start();

    // Generous: the machine that runs the suite may be loaded (the two attempts take about 1 s alone).
    await().atMost(Duration.ofSeconds(60)).until(() -> otel().getSpans().stream()
        .filter(s -> s.getName().equals("invoice-export attempt")).count() == 2);

    List<SpanData> spans = otel().getSpans();
    assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).as(s.getName()).isEqualTo(traceId));
    SpanData enqueue = one(spans, "invoice-export enqueue");
    assertThat(enqueue.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(enqueue.getParentSpanId()).isEqualTo(payment.getSpanContext().getSpanId());

    List<SpanData> attempts = spans.stream().filter(s -> s.getName().equals("invoice-export attempt"))
        .sorted(Comparator.comparing(s -> s.getAttributes().get(ATTEMPT))).toList();
    SpanData first = attempts.get(0);
    SpanData second = attempts.get(1);
    for (SpanData attempt : attempts) {
      assertThat(attempt.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(attempt.getParentSpanId()).as("each attempt continues the enqueue").isEqualTo(enqueue.getSpanId());
      assertThat(attempt.getAttributes().get(ORDER_ID)).isEqualTo(4242L);
      assertThat(attempt.getAttributes().get(AttributeKey.stringKey("onec.invoice_number"))).startsWith("INV-");
      assertThat(attempt.getAttributes().get(AttributeKey.longKey("onec.permit_wait_ms"))).isNotNull();
    }
    assertThat(first.getAttributes().get(ATTEMPT)).isEqualTo(1L);
    assertThat(first.getAttributes().get(AttributeKey.stringKey("onec.outcome"))).isEqualTo("transient_failure");
    assertThat(first.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(502L);
    assertThat(first.getAttributes().get(AttributeKey.stringKey("onec.decision"))).isIn("retry", "waiting");
    assertThat(second.getAttributes().get(ATTEMPT)).isEqualTo(2L);
    assertThat(second.getAttributes().get(AttributeKey.stringKey("onec.outcome"))).isEqualTo("exported");
    assertThat(second.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(201L);
    assertThat(second.getAttributes().get(AttributeKey.stringKey("onec.decision"))).isEqualTo("acked");
    assertThat(second.getStartEpochNanos()).isGreaterThan(first.getEndEpochNanos());

    List<SpanData> calls = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .sorted(Comparator.comparing(SpanData::getStartEpochNanos)).toList();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).getParentSpanId()).isEqualTo(first.getSpanId());
    assertThat(calls.get(1).getParentSpanId()).isEqualTo(second.getSpanId());
    assertThat(calls.get(1).getAttributes().get(AttributeKey.stringKey("url.full")))
        .endsWith("/hs/invoices").doesNotContain("@");

    // What 1C (the emulator) was sent: each call's own span as the parent, in the payment's trace.
    assertThat(emulator.received()).extracting(EmulatorServer.ReceivedRequest::traceparent).containsExactly(
        "00-" + traceId + "-" + calls.get(0).getSpanId() + "-" + calls.get(0).getSpanContext().getTraceFlags().asHex(),
        "00-" + traceId + "-" + calls.get(1).getSpanId() + "-" + calls.get(1).getSpanContext().getTraceFlags().asHex());

    // The attempt history keeps the trace id, for the console's order page.
    history.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> db.jdbi().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM export_attempts WHERE order_id = 4242 AND trace_id = :t").bind("t", traceId)
        .mapTo(Long.class).one()) == 2);
  }

  OpenTelemetryExtension otel() {
    return OTEL;
  }

  private static SpanData one(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).reduce((a, b) -> {
      throw new AssertionError("more than one " + name);
    }).orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
  }
}
