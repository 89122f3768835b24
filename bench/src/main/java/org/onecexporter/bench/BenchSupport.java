package org.onecexporter.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.UUID;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.db.Database;
import org.onecexporter.db.Dialect;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.export.Sleeper;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.HttpOneCClient;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.worker.PermitGatedClient;
import org.onecexporter.worker.Worker;
import org.onecexporter.worker.WorkerConfig;
import org.redisson.api.RedissonClient;

/**
 * A throw-away schema (PostgreSQL) or database (MariaDB/MySQL), queue prefix and worker for the benchmarks, on the
 * server DATABASE_URL names; everything is removed on close.
 */
public final class BenchSupport {
  private BenchSupport() {}

  public static Fixture fixture(Env env, String emulatorBaseUrl, int cap, int concurrency) {
    return new Fixture(env, emulatorBaseUrl, cap, concurrency, true, 0, false);
  }

  /** The same world with or without the attempt history, to measure what recording every attempt costs. */
  public static Fixture fixture(Env env, String emulatorBaseUrl, int cap, int concurrency, boolean withHistory) {
    return new Fixture(env, emulatorBaseUrl, cap, concurrency, withHistory, 0, false);
  }

  /**
   * @param pool the database pool's size (0: cap + concurrency + 4, enough for any design)
   * @param heldConnection the design before issue 23 ({@link HeldConnectionOrderStore}): each attempt holds a
   *     connection from the lock to the end, through the 1C permit wait and the call
   */
  public static Fixture fixture(Env env, String emulatorBaseUrl, int cap, int concurrency, boolean withHistory,
      int pool, boolean heldConnection) {
    return new Fixture(env, emulatorBaseUrl, cap, concurrency, withHistory, pool, heldConnection);
  }

  /** One benchmark's world. */
  public static final class Fixture implements AutoCloseable {
    private final String schema = "bench_" + UUID.randomUUID().toString().substring(0, 8);
    private final Dialect dialect;
    private final Database admin;
    private final Database database;
    private final RedissonClient redis;
    private final JobQueue queue;
    private final OneCExporter exporter;
    private final org.onecexporter.history.AttemptHistory history;
    private final WorkerConfig config;
    private final String jdbcUrl;
    private final DatabaseConfig base;
    private Worker worker;

    Fixture(Env env, String emulatorBaseUrl, int cap, int concurrency, boolean withHistory, int pool,
        boolean heldConnection) {
      DatabaseConfig base = DatabaseConfig.fromEnv(env);
      dialect = Dialect.ofUrl(base.jdbcUrl());
      admin = new Database(base, 2);
      String url;
      if (dialect == Dialect.POSTGRESQL) {
        admin.jdbi().useHandle(h -> h.execute("CREATE SCHEMA " + schema));
        url = base.jdbcUrl() + (base.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
      } else {
        admin.jdbi().useHandle(h -> h.execute(
            "CREATE DATABASE " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
        // The URL's database replaced by ours, its parameters kept.
        url = base.jdbcUrl().replaceFirst("^(jdbc:[a-z]+://[^/?]+)(/[^?]*)?", "$1/" + schema);
      }
      this.jdbcUrl = url;
      this.base = base;
      database = new Database(new DatabaseConfig(url, base.user(), base.password()),
          pool > 0 ? pool : cap + concurrency + 4);
      database.migrate();
      redis = RedisConnections.create(env.asMap(), concurrency + 16);
      queue = new JobQueue(redis, new QueueKeys("{bench:" + schema + "}"));
      OneCConfig oneC = new OneCConfig(java.net.URI.create(emulatorBaseUrl), OneCConfig.DEFAULT_ENDPOINT,
          env.string("EMULATOR_USERNAME", "Администратор"), env.string("EMULATOR_PASSWORD", "пароль"),
          Duration.ofSeconds(60), RetrySchedule.DEFAULT.delays());
      org.onecexporter.db.OrderStore orders = heldConnection ? new HeldConnectionOrderStore(database.jdbi())
          : new org.onecexporter.db.SqlOrderStore(database.jdbi(), database.dialect(),
              org.onecexporter.db.ReferenceSource.INSTANCE);
      exporter = new OneCExporter(orders,
          new PermitGatedClient(new HttpOneCClient(oneC, Math.max(cap, 4)), queue, cap, oneC.timeout(),
              PermitGatedClient.MAX_PERMIT_WAIT, new java.util.concurrent.atomic.AtomicInteger()),
          new InvoiceBuilder(ZoneId.of("Europe/Moscow")), RetrySchedule.DEFAULT, Sleeper.REAL, Clock.systemUTC(),
          new PiiMasker(true), oneC.timeout());
      // As in production: every attempt goes to the attempt history, so its cost is in the figures.
      history = withHistory ? new org.onecexporter.history.AttemptHistory(database.jdbi(), "bench",
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry()) : null;
      if (history != null) {
        exporter.recordAttemptsTo(history);
      }
      config = WorkerConfig.builder("bench", queue.keys())
          .concurrency(concurrency)
          .maxOneCCalls(cap)
          .lease(Duration.ofSeconds(30))
          .circuitFailures(5)
          .circuitOpen(Duration.ofSeconds(5))
          .reconcileInterval(Duration.ofHours(1))
          .reconcileMinAge(Duration.ofHours(1))
          .shutdownGrace(Duration.ofSeconds(5))
          .build();
    }

    public JobQueue queue() {
      return queue;
    }

    public OneCExporter exporter() {
      return exporter;
    }

    /** The throw-away schema's JDBC URL, for worker processes started beside the benchmark. */
    public String jdbcUrl() {
      return jdbcUrl;
    }

    public DatabaseConfig databaseConfig() {
      return base;
    }

    public org.jdbi.v3.core.Jdbi jdbi() {
      return database.jdbi();
    }

    public RedissonClient redis() {
      return redis;
    }

    /** The server the orders are on, {@code PostgreSQL} or {@code MariaDB}. */
    public String serverName() {
      return dialect.serverName();
    }

    public void insertPaidOrders(int count) {
      if (dialect == Dialect.POSTGRESQL) {
        database.jdbi().useHandle(h -> {
          h.execute("""
              INSERT INTO orders (id, status, customer_name, customer_phone, customer_address, delivery_cost, paid_at)
              SELECT g, 'paid', 'Покупатель ' || g, '+7999' || lpad(g::text, 7, '0'), 'Москва', 500, now()
                FROM generate_series(1, ?) g""", count);
          h.execute("""
              INSERT INTO order_items (order_id, line_no, articul, name, quantity, price)
              SELECT g, 1, 'ФР-' || g, 'Варочная панель', 1.5, 12990.10 FROM generate_series(1, ?) g""", count);
        });
        return;
      }
      // The same rows in batches (no generate_series; a recursive CTE is capped at 1,000 rows by default on MySQL).
      Object paidAt = dialect.timestamp(java.time.Instant.now());
      database.jdbi().useTransaction(h -> {
        var orders = h.prepareBatch("INSERT INTO orders (id, status, customer_name, customer_phone, customer_address,"
            + " delivery_cost, paid_at) VALUES (:id, 'paid', :name, :phone, 'Москва', 500, :paidAt)");
        var items = h.prepareBatch("INSERT INTO order_items (order_id, line_no, articul, name, quantity, price)"
            + " VALUES (:id, 1, :articul, 'Варочная панель', 1.5, 12990.10)");
        for (int g = 1; g <= count; g++) {
          orders.bind("id", g).bind("name", "Покупатель " + g).bind("phone", String.format("+7999%07d", g))
              .bind("paidAt", paidAt).add();
          items.bind("id", g).bind("articul", "ФР-" + g).add();
        }
        orders.execute();
        items.execute();
      });
    }

    public void startWorker() {
      worker = new Worker(config, queue, exporter, null).start();
    }

    public void awaitExported(int count, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        long exported = database.jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM orders WHERE invoice_exported_to_1c").mapTo(Long.class).one());
        if (exported >= count) {
          return;
        }
        // A count(*) scans the table: every 10 ms it cost PostgreSQL about a tenth of a core through a whole run
        // (measured by hand, 2026-12-07), load on the machine being measured. Far from the end it waits a quarter
        // millisecond per missing export (a drain under 4,000 exports/s cannot pass the end meanwhile), near the end
        // 10 ms as before: the same end time within 10 ms, about 100 counts a run instead of thousands.
        Thread.sleep(Math.max(10, Math.min(250, (count - exported) / 4)));
      }
      throw new IllegalStateException("not all " + count + " orders exported within " + timeout);
    }

    @Override
    public void close() {
      if (worker != null) {
        worker.close();
      }
      if (history != null) {
        history.close();
      }
      queue.deleteAll();
      redis.shutdown();
      database.close();
      admin.jdbi().useHandle(h -> h.execute(dialect == Dialect.POSTGRESQL ? "DROP SCHEMA " + schema + " CASCADE"
          : "DROP DATABASE " + schema));
      admin.close();
    }
  }
}
