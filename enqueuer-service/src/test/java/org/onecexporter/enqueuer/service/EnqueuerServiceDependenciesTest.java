package org.onecexporter.enqueuer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.onecexporter.config.ConfigException;
import org.onecexporter.ops.TracingSetup;

/**
 * The enqueuer service is thin: its runtime class path (the tree Maven resolved for this build, written before the
 * tests by maven-dependency-plugin) holds no JDBC driver, no Flyway, no HTTP client and no OpenTelemetry SDK —
 * the SDK comes from the telemetry module's jar only when the service is started for tracing.
 */
class EnqueuerServiceDependenciesTest {
  @Test
  void the_runtime_class_path_has_no_database_http_client_or_tracing_sdk() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("target/dependency-tree.txt"));
    assertThat(lines.get(0)).startsWith("org.onecexporter:enqueuer-service:jar:");
    assertThat(lines).as("what the service needs is there")
        .anyMatch(l -> l.contains("org.onecexporter:enqueuer-api:jar:"))
        .anyMatch(l -> l.contains("org.onecexporter:platform:jar:"))
        .anyMatch(l -> l.contains("org.eclipse.jetty:jetty-server:jar:"));
    assertThat(lines).as("nothing of the exporter's")
        .noneMatch(l -> l.contains("org.postgresql") || l.contains("mariadb") || l.contains("mysql"))
        .noneMatch(l -> l.contains("org.flywaydb") || l.contains("HikariCP") || l.contains("org.jdbi"))
        .noneMatch(l -> l.contains("httpclient5") || l.contains("httpcore5"))
        .noneMatch(l -> l.contains("io.opentelemetry:opentelemetry-sdk"))
        .noneMatch(l -> l.contains("opentelemetry-exporter"))
        .noneMatch(l -> l.contains("org.onecexporter:exporter:") || l.contains("org.onecexporter:telemetry:"));
  }

  @Test
  void tracing_without_the_telemetry_module_is_refused_with_what_to_do() throws Exception {
    // This module's tests have the telemetry module (test scope); a class loader without it is the service's
    // shipped jar alone.
    assertThat(TracingSetup.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))).isTrue();
    assertThat(TracingSetup.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "))).isFalse();
    assertThat(TracingSetup.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://x", "OTEL_SDK_DISABLED",
        "true"))).isFalse();
    TracingSetup.configure(Map.of("REDIS_URL", "redis://x"), "onec-exporter-enqueuer"); // nothing asked, nothing done
    try (var isolated = new java.net.URLClassLoader(new java.net.URL[] {
        TracingSetup.class.getProtectionDomain().getCodeSource().getLocation(),
        ConfigException.class.getProtectionDomain().getCodeSource().getLocation()}, null)) {
      Class<?> setup = isolated.loadClass(TracingSetup.class.getName());
      var configure = setup.getMethod("configure", Map.class, String.class);
      Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> configure.invoke(null,
          Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), "onec-exporter-enqueuer"));
      assertThat(refused.getCause().getClass().getName()).isEqualTo(ConfigException.class.getName());
      assertThat(refused.getCause().getMessage()).contains("OTEL_*").contains("telemetry").contains("ops/enqueuer-api");
    }
  }
}
