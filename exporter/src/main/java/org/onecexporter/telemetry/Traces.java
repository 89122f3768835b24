package org.onecexporter.telemetry;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.function.BiConsumer;

/** W3C trace context to and from the strings we keep (a job's {@code traceparent}) and send (headers). */
public final class Traces {
  private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of("traceparent");
    }

    @Override
    public String get(String carrier, String key) {
      return "traceparent".equals(key) ? carrier : null;
    }
  };

  private Traces() {}

  /** Our tracer; resolved on each use so a test's SDK (or the one configured at start) is the one used. */
  public static Tracer tracer() {
    return GlobalOpenTelemetry.getTracer("org.onecexporter");
  }

  /** The context a {@code traceparent} value describes, under the root; the root itself when null or invalid. */
  public static Context parent(String traceparent) {
    if (traceparent == null || traceparent.isEmpty()) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
  }

  /** Writes the current context's {@code traceparent} (and {@code tracestate}) as headers; nothing when none. */
  public static void inject(BiConsumer<String, String> header) {
    W3CTraceContextPropagator.getInstance().inject(Context.current(), header, (h, key, value) -> h.accept(key, value));
  }

  /** The current trace's id, or null when there is none. */
  public static String currentTraceId() {
    SpanContext context = Span.current().getSpanContext();
    return context.isValid() ? context.getTraceId() : null;
  }
}
