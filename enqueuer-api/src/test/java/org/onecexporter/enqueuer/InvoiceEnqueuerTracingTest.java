package org.onecexporter.enqueuer;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/** The library on a real Redis, with an in-memory OpenTelemetry SDK standing for the payment processor's. */
@ExtendWith(RedisExtension.class)
class InvoiceEnqueuerTracingTest {
  @RegisterExtension
  static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private static InvoiceEnqueuer enqueuer;
  private static final List<EnqueueStatus> HEARD = new ArrayList<>();

  @BeforeAll
  static void start(TestRedis redis) {
    enqueuer = new InvoiceEnqueuer(new LazyQueue(redis::client, redis.queue().keys(), Duration.ofSeconds(1)),
        (status, nanos) -> HEARD.add(status));
  }

  @AfterAll
  static void stop() {
    HEARD.clear();
  }

  @Test
  void the_enqueue_span_is_a_child_of_the_payment_and_the_job_records_it(TestRedis redis) {
    Span payment = OTEL.getOpenTelemetry().getTracer("shop").spanBuilder("payment").startSpan();
    try (Scope ignored = payment.makeCurrent()) {
      assertThat(enqueuer.enqueue(7001)).isEqualTo(EnqueueStatus.QUEUED);
    } finally {
      payment.end();
    }
    SpanData enqueue = OTEL.getSpans().stream().filter(s -> s.getName().equals("invoice-export enqueue"))
        .findFirst().orElseThrow();
    assertThat(enqueue.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(enqueue.getParentSpanId()).isEqualTo(payment.getSpanContext().getSpanId());
    assertThat(enqueue.getTraceId()).isEqualTo(payment.getSpanContext().getTraceId());
    assertThat(enqueue.getAttributes().get(AttributeKey.longKey("onec.order_id"))).isEqualTo(7001L);
    assertThat(enqueue.getAttributes().get(AttributeKey.stringKey("onec.enqueue.outcome"))).isEqualTo("queued");
    assertThat(redis.queue().job("7001")).containsEntry("traceparent",
        "00-" + enqueue.getTraceId() + "-" + enqueue.getSpanId() + "-"
            + enqueue.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void an_explicit_traceparent_is_the_parent_and_an_invalid_one_is_ignored(TestRedis redis) {
    String given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assertThat(enqueuer.enqueue(7002, given)).isEqualTo(EnqueueStatus.QUEUED);
    SpanData enqueue = OTEL.getSpans().stream()
        .filter(s -> s.getAttributes().get(AttributeKey.longKey("onec.order_id")) == 7002L).findFirst().orElseThrow();
    assertThat(enqueue.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(enqueue.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(redis.queue().job("7002").get("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
        .doesNotContain("00f067aa0ba902b7");

    assertThat(enqueuer.enqueue(7003, "00-not-a-trace\nINJECTED")).isEqualTo(EnqueueStatus.QUEUED);
    assertThat(redis.queue().job("7003").get("traceparent")).as("a new trace of its own, not the garbage")
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]");
  }

  @Test
  void a_second_enqueue_is_already_queued_and_a_bad_id_fails_with_the_listener_told(TestRedis redis) {
    HEARD.clear();
    assertThat(enqueuer.enqueue(7004)).isEqualTo(EnqueueStatus.QUEUED);
    assertThat(enqueuer.enqueue(7004)).isEqualTo(EnqueueStatus.ALREADY_QUEUED);
    assertThat(enqueuer.enqueueQuietly(-1)).isEqualTo(EnqueueStatus.FAILED);
    assertThat(HEARD).containsExactly(EnqueueStatus.QUEUED, EnqueueStatus.ALREADY_QUEUED, EnqueueStatus.FAILED);
    assertThat(OTEL.getSpans()).filteredOn(s -> s.getAttributes().get(AttributeKey.longKey("onec.order_id")) == 7004L)
        .extracting(s -> s.getAttributes().get(AttributeKey.stringKey("onec.enqueue.outcome")))
        .containsExactly("queued", "already_queued");
  }

  @Test
  void the_async_enqueue_span_is_a_child_of_the_payment_and_ends_with_the_answer(TestRedis redis) throws Exception {
    Span payment = OTEL.getOpenTelemetry().getTracer("shop").spanBuilder("payment").startSpan();
    java.util.concurrent.CompletableFuture<EnqueueStatus> answer;
    try (Scope ignored = payment.makeCurrent()) {
      answer = enqueuer.enqueueAsync(7005).toCompletableFuture();
    } finally {
      payment.end();
    }
    assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(EnqueueStatus.QUEUED);
    SpanData enqueue = OTEL.getSpans().stream()
        .filter(s -> Long.valueOf(7005L).equals(s.getAttributes().get(AttributeKey.longKey("onec.order_id")))).findFirst().orElseThrow();
    assertThat(enqueue.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(enqueue.getParentSpanId()).isEqualTo(payment.getSpanContext().getSpanId());
    assertThat(enqueue.getAttributes().get(AttributeKey.stringKey("onec.enqueue.outcome"))).isEqualTo("queued");
    assertThat(redis.queue().job("7005")).containsEntry("traceparent",
        "00-" + enqueue.getTraceId() + "-" + enqueue.getSpanId() + "-"
            + enqueue.getSpanContext().getTraceFlags().asHex());
  }
}
