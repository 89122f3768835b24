package org.onecexporter.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.onecexporter.config.Env;
import org.onecexporter.console.ConsoleRuntime;
import picocli.CommandLine.Command;

@Command(name = "console", description = {
    "Runs the operations console until SIGTERM/SIGINT.",
    "Address: http://CONSOLE_HOST:CONSOLE_PORT (default 127.0.0.1:8082).",
    "User operator with CONSOLE_PASSWORD (required); read-only user viewer with CONSOLE_VIEWER_PASSWORD (optional).",
    "Reads the workers' PostgreSQL and Redis (DATABASE_URL, REDIS_URL, QUEUE_PREFIX)."})
final class ConsoleCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    ConsoleRuntime runtime = ConsoleRuntime.fromEnv(Env.system());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runtime.close();
      stopped.countDown();
    }, "console-shutdown"));
    System.err.println("console listening on http://" + runtime.config().host() + ":" + runtime.port()
        + "/ (users: operator" + (runtime.config().viewerPassword().isPresent() ? ", viewer" : "") + ")");
    checkDatabase(runtime);
    stopped.await();
    return ExitCodes.OK;
  }

  /**
   * Says once, in one line, when the database cannot be used: the console still serves (the queue, the DLQ and
   * the fleet come from Redis), but the order pages answer 503 until it can.
   */
  private static void checkDatabase(ConsoleRuntime runtime) {
    try {
      runtime.database().requireReachable(Unreachable.DATABASE_CHECK);
    } catch (org.onecexporter.db.DatabaseUnavailableException e) {
      System.err.println("console: " + org.onecexporter.config.Redact.inText(e.getMessage())
          + "; the order pages answer 503 until it answers");
    }
  }
}
