package org.onecexporter.enqueuer;

import java.util.Map;

/**
 * Run by {@link InvoiceEnqueuerWithoutTracingTest} in a JVM whose classpath has no OpenTelemetry jar, as a payment
 * processor's that does not trace: args order id, traceparent; prints whether the API is absent and the status.
 */
public final class WithoutOpenTelemetryMain {
  private WithoutOpenTelemetryMain() {}

  public static void main(String[] args) {
    boolean absent;
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry");
      absent = false;
    } catch (ClassNotFoundException e) {
      absent = true;
    }
    try (InvoiceEnqueuer enqueuer = InvoiceEnqueuer.fromEnv(Map.copyOf(System.getenv()), InvoiceEnqueuer.Listener.NONE)) {
      EnqueueStatus status = enqueuer.enqueue(Long.parseLong(args[0]), args[1]);
      System.out.println("opentelemetry_absent=" + absent + " status=" + status);
    }
  }
}
