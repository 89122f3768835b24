package org.onecexporter.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.onecexporter.config.DatabaseConfig;

/**
 * A process of its own that takes an order's export lock, says {@code locked} on stdout and then sits on it, for
 * tests that kill it the hard way (kill -9: no unlock, no shutdown hook). The database comes in its environment.
 */
public final class LockHolderProcess {
  private LockHolderProcess() {}

  /** args: order id, lapse in milliseconds. */
  public static void main(String[] args) throws Exception {
    DatabaseConfig config = new DatabaseConfig(System.getenv("HOLDER_DATABASE_URL"),
        System.getenv("HOLDER_DATABASE_USER"), System.getenv("HOLDER_DATABASE_PASSWORD"));
    try (Database database = new Database(config, 2)) {
      OrderStore store = new SqlOrderStore(database.jdbi(), database.dialect(), ReferenceSource.INSTANCE);
      OrderStore.Session session = store.open();
      session.lock(Long.parseLong(args[0]), Duration.ofSeconds(30), Duration.ofMillis(Long.parseLong(args[1])));
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** Starts the holder on the test's classpath. */
  public static Process start(DatabaseConfig config, long orderId, Duration lapse) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), LockHolderProcess.class.getName(), Long.toString(orderId),
        Long.toString(lapse.toMillis()));
    builder.environment().put("HOLDER_DATABASE_URL", config.jdbcUrl());
    builder.environment().put("HOLDER_DATABASE_USER", config.user());
    builder.environment().put("HOLDER_DATABASE_PASSWORD", config.password());
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    return builder.start();
  }

  /** Waits for the holder's {@code locked}; throws when it does not come within {@code timeout}. */
  public static void awaitLocked(Process holder, Duration timeout) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        return null;
      }
    });
    String said = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!"locked".equals(said)) {
      throw new IllegalStateException("the lock holder process said " + said + " (exit "
          + (holder.isAlive() ? "none, still running" : holder.exitValue()) + ")");
    }
  }
}
