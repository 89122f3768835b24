package org.onecexporter.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK from OTEL_* (as the README's three variables set it), against a stand-in OTLP/HTTP collector. */
class TelemetryTest {
  @AfterEach
  void reset() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void without_otel_variables_nothing_is_configured() {
    OpenTelemetry otel = Telemetry.configure(Map.of("REDIS_URL", "redis://x"), "onec-exporter-worker");
    assertThat(otel).isSameAs(OpenTelemetry.noop());
    Span span = GlobalOpenTelemetry.getTracer("org.onecexporter").spanBuilder("x").startSpan();
    assertThat(span.isRecording()).isFalse();
    assertThat(span.getSpanContext().isValid()).isFalse();
    assertThat(Telemetry.configure(Map.of("OTEL_SDK_DISABLED", "true"), "w")).isSameAs(OpenTelemetry.noop());
    assertThat(Telemetry.configure(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " ", "OTEL_SERVICE_NAME", ""), "w"))
        .as("empty values, as a compose file passes unset ones").isSameAs(OpenTelemetry.noop());
  }

  @Test
  void the_three_readme_variables_send_spans_to_an_otlp_http_collector() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
          + exchange.getRequestHeaders().getFirst("Content-Type") + " " + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    try {
      OpenTelemetry otel = Telemetry.configure(Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
          "OTEL_SERVICE_NAME", "onec-exporter-worker-test",
          "OTEL_TRACES_SAMPLER", "parentbased_always_on"), "onec-exporter-worker");
      assertThat(otel).isInstanceOf(OpenTelemetrySdk.class);
      Span span = GlobalOpenTelemetry.getTracer("org.onecexporter").spanBuilder("invoice-export attempt").startSpan();
      assertThat(span.isRecording()).isTrue();
      span.end();
      ((OpenTelemetrySdk) otel).getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(received).singleElement().satisfies(r -> assertThat(r)
          .startsWith("POST /v1/traces application/x-protobuf")
          .contains("invoice-export attempt").contains("onec-exporter-worker-test"));
      ((OpenTelemetrySdk) otel).close();
    } finally {
      collector.stop(0);
    }
  }
}
