package org.onecexporter.enqueuer;

import java.util.concurrent.CountDownLatch;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;

/** {@code ops/enqueuer-api}: ENQUEUER_PORT (8081), ENQUEUER_HOST (0.0.0.0), ENQUEUER_TOKEN (required). */
public final class EnqueuerMain {
  private EnqueuerMain() {}

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
      String token = env.required("ENQUEUER_TOKEN", "the bearer token payment processors send");
      int port = env.integer("ENQUEUER_PORT", 8081, 0, 65_535);
      String host = env.string("ENQUEUER_HOST", "0.0.0.0");
      var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
          io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
      enqueuer = InvoiceEnqueuer.fromEnv(env, registry);
      server = new EnqueuerHttpServer(enqueuer, token, host, port, registry).start();
      System.err.println("enqueuer listening on " + host + ":" + server.port()
          + ": POST /v1/orders/{id}/invoice-export, GET /metrics, /health/live, /health/ready");
    } catch (ConfigException e) {
      System.err.println("enqueuer-api: configuration error: " + e.getMessage());
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
