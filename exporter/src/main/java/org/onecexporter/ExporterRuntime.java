package org.onecexporter;

import java.time.Clock;
import java.time.ZoneId;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.db.Database;
import org.onecexporter.db.OrderSource;
import org.onecexporter.db.OrderSources;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.export.Sleeper;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.HttpOneCClient;

/** Builds the exporter and what it needs from the environment, in one place, failing fast on bad values. */
public final class ExporterRuntime implements AutoCloseable {
  private final Database database;
  private final OrderStore orders;
  private final HttpOneCClient client;
  private final OneCExporter exporter;
  private org.onecexporter.history.AttemptHistory history;

  private ExporterRuntime(Database database, OrderStore orders, HttpOneCClient client, OneCExporter exporter) {
    this.database = database;
    this.orders = orders;
    this.client = client;
    this.exporter = exporter;
  }

  /**
   * @param maxOneCCalls connections to 1C this process may hold at once
   */
  public static ExporterRuntime fromEnv(Env env, int maxOneCCalls) {
    return fromEnv(env, maxOneCCalls, client -> client);
  }

  /**
   * @param decorate wraps the 1C client, e.g. with the fleet-wide concurrency cap of the workers
   */
  public static ExporterRuntime fromEnv(Env env, int maxOneCCalls,
      java.util.function.UnaryOperator<org.onecexporter.onec.OneCClient> decorate) {
    return fromEnv(env, maxOneCCalls, maxOneCCalls, decorate);
  }

  /**
   * @param concurrentExports exports this process runs at once; each borrows a database connection only while it
   *     reads or writes (not while it waits for a 1C permit or for 1C), so the pool need not grow with them
   */
  public static ExporterRuntime fromEnv(Env env, int maxOneCCalls, int concurrentExports,
      java.util.function.UnaryOperator<org.onecexporter.onec.OneCClient> decorate) {
    OneCConfig oneC = OneCConfig.fromEnv(env);
    DatabaseConfig db = DatabaseConfig.fromEnv(env);
    OrderSource source = OrderSources.fromEnv(env, org.onecexporter.db.Dialect.ofUrl(db.jdbcUrl()));
    ZoneId zone = env.zone("SHOP_TIMEZONE", "Europe/Moscow");
    PiiMasker masker = new PiiMasker(!env.bool("LOG_PII", false));
    // Exports hold a connection only for their statements: up to 7 at once for them (DATABASE_POOL_SIZE to change),
    // + 3 so that the reconciler, a health check and the attempt history's writer never wait behind the exports.
    int pool = env.integer("DATABASE_POOL_SIZE", Math.min(Math.max(maxOneCCalls, concurrentExports), 7) + 3, 2,
        1_000);
    Database database = new Database(db, pool);
    HttpOneCClient client = new HttpOneCClient(oneC, maxOneCCalls, masker,
        org.onecexporter.onec.OneCTls.fromEnv(env).orElse(null));
    OrderStore orders = new SqlOrderStore(database.jdbi(), database.dialect(), source);
    OneCExporter exporter = new OneCExporter(orders, decorate.apply(client), new InvoiceBuilder(zone),
        new RetrySchedule(oneC.retryDelays()), Sleeper.REAL, Clock.systemUTC(), masker, oneC.timeout());
    return new ExporterRuntime(database, orders, client, exporter);
  }

  /** Where the orders are read and the exports recorded (DATABASE_URL, ORDER_SOURCE). */
  public OrderStore orders() {
    return orders;
  }

  /** The attempt history's reader and pruner on this database. */
  public org.onecexporter.history.AttemptHistoryRepository attemptHistory() {
    return new org.onecexporter.history.AttemptHistoryRepository(database.jdbi(), database.dialect());
  }

  public OneCExporter exporter() {
    return exporter;
  }

  public Database database() {
    return database;
  }

  /**
   * Keeps every attempt in the attempt history ({@code export_attempts}), made by {@code actor} (the worker id,
   * or {@code cli}); the rows are written in the background and flushed by {@link #close}.
   */
  public synchronized ExporterRuntime recordAttempts(String actor, io.micrometer.core.instrument.MeterRegistry registry) {
    if (history == null) {
      history = new org.onecexporter.history.AttemptHistory(database.jdbi(), actor, registry);
      exporter.recordAttemptsTo(history);
    }
    return this;
  }

  @Override
  public void close() {
    if (history != null) {
      exporter.recordAttemptsTo(org.onecexporter.export.AttemptLog.NONE);
      history.close();
    }
    client.close();
    database.close();
  }
}
