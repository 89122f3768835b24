package org.onecexporter.enqueuer.service;

import java.util.concurrent.CountDownLatch;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;
import org.onecexporter.enqueuer.InvoiceEnqueuer;

/**
 * {@code ops/enqueuer-api}: ENQUEUER_PORT (8081), ENQUEUER_HOST (127.0.0.1; set {@code 0.0.0.0} or an interface's
 * address to serve other hosts), ENQUEUER_TOKEN (required, at least {@value #MIN_TOKEN_LENGTH} characters).
 */
public final class EnqueuerMain {
  static final int MIN_TOKEN_LENGTH = 16;

  private EnqueuerMain() {}

  /** Refuses a token an attacker could guess: short, one repeated character, or a documentation placeholder. */
  static String checkToken(String token) {
    if (token.length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException("ENQUEUER_TOKEN", "is too short (" + token.length() + " characters): use at least "
          + MIN_TOKEN_LENGTH + " random ones, e.g. openssl rand -hex 24");
    }
    if (token.chars().distinct().count() < 5 || token.toLowerCase(java.util.Locale.ROOT).contains("change-me")
        || token.toLowerCase(java.util.Locale.ROOT).contains("changeme")) {
      throw new ConfigException("ENQUEUER_TOKEN", "looks like a placeholder: use a random one, e.g. openssl rand -hex 24");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new ConfigException("ENQUEUER_TOKEN", "must be printable ASCII without spaces");
    }
    return token;
  }

  /** The enqueuer's metrics on {@code registry}, as the library's listener. */
  static InvoiceEnqueuer.Listener meters(io.micrometer.core.instrument.MeterRegistry registry) {
    org.onecexporter.ops.EnqueueMeters meters = new org.onecexporter.ops.EnqueueMeters(registry,
        java.util.Arrays.stream(org.onecexporter.enqueuer.EnqueueStatus.values()).map(Enum::name).toList());
    return (status, nanos) -> meters.record(status.name(), nanos);
  }

  public static void main(String[] args) throws Exception {
    // The library ships no logback.xml (it must not take over a payment processor's logging); the service
    // uses its own configuration unless one is given.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-enqueuer.xml");
    }
    Env env = Env.system();
    EnqueuerHttpServer server;
    InvoiceEnqueuer enqueuer;
    try {
      // Tracing from OTEL_* when one is set (nothing otherwise): each request's enqueue span joins the caller's
      // trace. The SDK is on the class path only when the service was started for tracing (TracingSetup).
      org.onecexporter.ops.TracingSetup.configure(env.asMap(), "onec-exporter-enqueuer");
      String token = checkToken(env.required("ENQUEUER_TOKEN", "the bearer token payment processors send"));
      int port = env.integer("ENQUEUER_PORT", 8081, 0, 65_535);
      String host = env.string("ENQUEUER_HOST", "127.0.0.1");
      var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
          io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
      enqueuer = InvoiceEnqueuer.fromEnv(env.asMap(), meters(registry));
      org.onecexporter.http.TrustedProxies proxies = org.onecexporter.http.TrustedProxies.parse(
          env.string(org.onecexporter.http.TrustedProxies.VARIABLE, ""));
      server = EnqueuerHttpServer.start(enqueuer, token, host, port, registry,
          org.onecexporter.http.HttpLimits.enqueuer().withTrustedProxies(proxies));
      System.err.println("enqueuer listening on " + host + ":" + server.port()
          + ": POST /v1/orders/{id}/invoice-export, GET /metrics, /health/live, /health/ready");
    } catch (ConfigException | org.onecexporter.queue.QueueConfigException e) {
      System.err.println("enqueuer-api: configuration error: " + org.onecexporter.config.Redact.inText(e.getMessage()));
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      enqueuer.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
