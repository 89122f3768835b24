package org.onecexporter.ops;

import java.util.Map;
import org.onecexporter.config.ConfigException;

/**
 * Whether a process was asked to trace, and the hand-over to the telemetry module that holds the OpenTelemetry SDK.
 * The worker always carries that module; the enqueuer service carries it only when it is started with tracing
 * (ops/enqueuer-api and the enqueuer image add it to the class path when an {@code OTEL_*} variable is set), so a
 * service that does not trace loads no SDK.
 */
public final class TracingSetup {
  static final String TELEMETRY_CLASS = "org.onecexporter.telemetry.Telemetry";

  private TracingSetup() {}

  /** java.util.logging's logger of the OpenTelemetry API's global instance, held here so its level stays set. */
  private static final java.util.logging.Logger GLOBAL_OPENTELEMETRY =
      java.util.logging.Logger.getLogger("io.opentelemetry.api.GlobalOpenTelemetry");

  /**
   * Without tracing requested, the API's hint "AutoConfiguredOpenTelemetrySdk found on classpath but automatic
   * configuration is disabled. To enable, run your JVM with -Dotel…" (INFO on stderr, from every process that has the
   * SDK on its class path) is not printed: tracing is off by choice, and {@code OTEL_*} is how it is turned on.
   */
  public static void quietUnlessRequested(Map<String, String> env) {
    if (!requested(env)) {
      GLOBAL_OPENTELEMETRY.setLevel(java.util.logging.Level.WARNING);
    }
  }

  /** True when an {@code OTEL_*} variable is set to something and the SDK is not disabled. */
  public static boolean requested(Map<String, String> env) {
    // Set means set to something: compose files pass "${OTEL_...:-}" through as empty strings.
    boolean any = env.entrySet().stream()
        .anyMatch(e -> e.getKey().startsWith("OTEL_") && e.getValue() != null && !e.getValue().isBlank());
    return any && !"true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "false").trim());
  }

  /**
   * Configures the SDK from {@code OTEL_*} when tracing is requested; does nothing otherwise.
   *
   * @throws ConfigException when tracing is requested but the telemetry module is not on the class path
   */
  public static void configure(Map<String, String> env, String serviceName) {
    quietUnlessRequested(env);
    if (!requested(env)) {
      return;
    }
    Class<?> telemetry;
    try {
      telemetry = Class.forName(TELEMETRY_CLASS);
    } catch (ClassNotFoundException e) {
      throw new ConfigException("OTEL_*", "set, but this process was started without the telemetry module (the "
          + "OpenTelemetry SDK): start it with ops/enqueuer-api or add telemetry/target/telemetry-*-all.jar to "
          + "the class path, or unset OTEL_*");
    }
    try {
      telemetry.getMethod("configure", Map.class, String.class).invoke(null, env, serviceName);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("the OpenTelemetry SDK could not be configured", cause);
    }
  }
}
