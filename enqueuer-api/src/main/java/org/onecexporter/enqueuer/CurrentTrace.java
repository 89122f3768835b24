package org.onecexporter.enqueuer;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;

/**
 * The enqueue span, when the payment processor has the OpenTelemetry API on its classpath (the dependency is
 * optional): a PRODUCER span under the caller's current context (or under an explicit {@code traceparent}), whose
 * W3C context is what the job records. Without the API, an explicit {@code traceparent} is recorded as given and
 * nothing else happens. Every OpenTelemetry reference is inside {@link Otel}, loaded only when the API is there.
 */
final class CurrentTrace {
  static final boolean OPENTELEMETRY = present();

  private CurrentTrace() {}

  /** What an enqueue does inside the span: the outcome ({@code queued}, {@code already_queued}) or a throw. */
  interface Body {
    String run(String traceparent);
  }

  /** As {@link Body}, answering later: the stage's outcome or its failure ends the span. */
  interface AsyncBody {
    java.util.concurrent.CompletionStage<String> run(String traceparent);
  }

  /** As {@link #enqueue}, the span started on the caller's thread (its current context) and ended on completion. */
  static java.util.concurrent.CompletionStage<String> enqueueAsync(long orderId, String queue, String explicitParent,
      AsyncBody body) {
    if (!OPENTELEMETRY) {
      return body.run(explicitParent);
    }
    return Otel.enqueueAsync(orderId, queue, explicitParent, body);
  }

  static String enqueue(long orderId, String queue, String explicitParent, Body body) {
    if (!OPENTELEMETRY) {
      return body.run(explicitParent);
    }
    return Otel.enqueue(orderId, queue, explicitParent, body);
  }

  private static boolean present() {
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, CurrentTrace.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static final class Otel {
    private static final AttributeKey<Long> ORDER_ID = AttributeKey.longKey("onec.order_id");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("onec.enqueue.outcome");
    private static final TextMapGetter<String> FROM_STRING = new TextMapGetter<>() {
      @Override
      public Iterable<String> keys(String carrier) {
        return List.of("traceparent");
      }

      @Override
      public String get(String carrier, String key) {
        return "traceparent".equals(key) ? carrier : null;
      }
    };

    private static Span start(long orderId, String queue, String explicitParent) {
      Context parent = explicitParent == null ? Context.current()
          : W3CTraceContextPropagator.getInstance().extract(Context.root(), explicitParent, FROM_STRING);
      return GlobalOpenTelemetry.getTracer("org.onecexporter.enqueuer")
          .spanBuilder("invoice-export enqueue").setSpanKind(SpanKind.PRODUCER).setParent(parent)
          .setAttribute("messaging.system", "redis").setAttribute("messaging.operation.type", "send")
          .setAttribute("messaging.destination.name", queue).setAttribute(ORDER_ID, orderId).startSpan();
    }

    /** The span's W3C context, what the job records (the explicit parent when the span records nothing). */
    private static String recorded(Span span, String explicitParent) {
      StringBuilder recorded = new StringBuilder();
      W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), recorded,
          (carrier, key, value) -> {
            if ("traceparent".equals(key) && carrier != null) {
              carrier.append(value);
            }
          });
      return recorded.isEmpty() ? explicitParent : recorded.toString();
    }

    static java.util.concurrent.CompletionStage<String> enqueueAsync(long orderId, String queue,
        String explicitParent, AsyncBody body) {
      Span span = start(orderId, queue, explicitParent);
      java.util.concurrent.CompletionStage<String> outcome;
      try {
        outcome = body.run(recorded(span, explicitParent));
      } catch (RuntimeException e) {
        failed(span, e);
        span.end();
        throw e;
      }
      return outcome.whenComplete((value, e) -> {
        if (e == null) {
          span.setAttribute(OUTCOME, value);
        } else {
          failed(span, e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause() : e);
        }
        span.end();
      });
    }

    private static void failed(Span span, Throwable e) {
      span.setAttribute(OUTCOME, "failed");
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
    }

    static String enqueue(long orderId, String queue, String explicitParent, Body body) {
      Span span = start(orderId, queue, explicitParent);
      try {
        String outcome = body.run(recorded(span, explicitParent));
        span.setAttribute(OUTCOME, outcome);
        return outcome;
      } catch (RuntimeException e) {
        span.setAttribute(OUTCOME, "failed");
        span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
        throw e;
      } finally {
        span.end();
      }
    }

  }
}
