package org.onecexporter.emulator;

import java.util.concurrent.CountDownLatch;

/** {@code ops/onec-emulator}: runs the emulator until interrupted. Configured by EMULATOR_* variables. */
public final class EmulatorMain {
  private EmulatorMain() {}

  public static void main(String[] args) throws Exception {
    EmulatorConfig config;
    try {
      config = EmulatorConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("onec-emulator: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    EmulatorServer server = new EmulatorServer(config).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    System.out.println("1C emulator listening: ONEC_BASE_URL=" + server.baseUrl() + " ONEC_USERNAME="
        + config.username() + " (password from EMULATOR_PASSWORD)");
    System.out.println("invoices: http://" + config.host() + ":" + server.port() + "/_emulator/invoices");
    System.out.flush();
    stopped.await();
  }
}
