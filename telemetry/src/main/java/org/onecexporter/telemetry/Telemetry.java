package org.onecexporter.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK of a process (worker, enqueuer service), from the standard {@code OTEL_*} environment
 * variables. With none set, nothing is configured: the API stays the no-op, nothing is exported and no exporter
 * thread runs. With one set, the SDK's autoconfiguration reads them all; our defaults, which any variable
 * overrides: the service name given, traces only (metrics stay on {@code /metrics} for Prometheus, logs in the
 * JSON log), OTLP over HTTP/protobuf ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, port 4318).
 */
public final class Telemetry {
  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

  private Telemetry() {}

  /** Called once at start-up; returns the SDK installed as the global OpenTelemetry, or the no-op. */
  public static OpenTelemetry configure(Map<String, String> env, String serviceName) {
    if (!org.onecexporter.ops.TracingSetup.requested(env)) {
      return OpenTelemetry.noop();
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", serviceName);
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    // The variables as given (the process environment in production; the SDK reads that too, first).
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_") && value != null && !value.isBlank()) {
        defaults.put(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value);
      }
    });
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .setResultAsGlobal()
        .build()
        .getOpenTelemetrySdk();
    LOG.info("OpenTelemetry tracing configured from OTEL_* (exporter {}, endpoint {})",
        env.getOrDefault("OTEL_TRACES_EXPORTER", "otlp"),
        org.onecexporter.config.Redact.url(env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"))));
    return sdk;
  }
}
