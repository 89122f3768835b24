package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.config.Env;
import org.onecexporter.db.Dialect;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.FreezableProxy;
import org.onecexporter.testing.TestDatabase;

/**
 * Two workers as an operator runs them (each its own Redis and database connections and ops port, built from the
 * environment), one of them reaching the database (PostgreSQL, or MariaDB in {@link SickWorkerOnMariaDbTest}) through a TCP proxy whose traffic freezes while that worker's 1C
 * call is in flight: the sick worker steps aside and the healthy one exports the order.
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class SickWorkerTest {
  private static final int JOB_TIMEOUT_SECONDS = 5;
  private static final int LEASE_SECONDS = 2;
  private final EmulatorServer emulator;
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private final List<WorkerRuntime> runtimes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  SickWorkerTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    db.truncate();
    queue.deleteAll();
    // Counts every time an order's flag goes from unset to set: "exported once" in the shop's own terms.
    if (db.dialect() == Dialect.POSTGRESQL) {
      db.jdbi().useHandle(h -> h.execute("""
          CREATE TABLE IF NOT EXISTS flag_sets (order_id bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
          TRUNCATE flag_sets;
          CREATE OR REPLACE FUNCTION count_flag_set() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            INSERT INTO flag_sets (order_id) VALUES (NEW.id);
            RETURN NEW;
          END $$;
          DROP TRIGGER IF EXISTS count_flag_set ON orders;
          CREATE TRIGGER count_flag_set AFTER UPDATE ON orders FOR EACH ROW
            WHEN (NEW.invoice_exported_to_1c AND NOT OLD.invoice_exported_to_1c) EXECUTE FUNCTION count_flag_set();
          """));
      return;
    }
    db.jdbi().useHandle(h -> {
      h.execute("CREATE TABLE IF NOT EXISTS flag_sets (order_id bigint NOT NULL,"
          + " at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))");
      h.execute("DELETE FROM flag_sets");
      h.execute("DROP TRIGGER IF EXISTS count_flag_set");
      h.execute("""
          CREATE TRIGGER count_flag_set AFTER UPDATE ON orders FOR EACH ROW
          BEGIN
            IF NEW.invoice_exported_to_1c AND NOT OLD.invoice_exported_to_1c THEN
              INSERT INTO flag_sets (order_id) VALUES (NEW.id);
            END IF;
          END""");
    });
  }

  @AfterEach
  void stop() {
    runtimes.forEach(WorkerRuntime::close);
    runtimes.clear();
    emulator.latencyMillis(0);
  }

  private WorkerRuntime start(String id, String databaseUrl) throws Exception {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("DATABASE_URL", databaseUrl);
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("ONEC_BASE_URL", emulator.baseUrl());
    env.put("ONEC_USERNAME", EmulatorConfig.DEFAULT_USERNAME);
    env.put("ONEC_PASSWORD", EmulatorConfig.DEFAULT_PASSWORD);
    env.put("ONEC_TIMEOUT_SECONDS", "4");
    env.put("ONEC_RETRY_DELAYS", "1,1,1");
    env.put("WORKER_ID", id);
    env.put("WORKER_CONCURRENCY", "2");
    env.put("WORKER_HTTP_HOST", "127.0.0.1");
    env.put("WORKER_HTTP_PORT", "0");
    env.put("LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
    env.put("JOB_TIMEOUT_SECONDS", Integer.toString(JOB_TIMEOUT_SECONDS));
    env.put("RECONCILE_INTERVAL_SECONDS", "3600");
    WorkerRuntime runtime = WorkerRuntime.fromEnv(new Env(env)).start();
    runtimes.add(runtime);
    return runtime;
  }

  /** The readiness answer's status, or -1 when none came within 2 s (a readiness that hangs is no answer). */
  private int readiness(WorkerRuntime runtime) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.httpPort() + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private boolean exported(long id) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT invoice_exported_to_1c FROM orders WHERE id = :id")
        .bind("id", id).mapTo(Boolean.class).one());
  }

  @Test
  void a_worker_whose_database_freezes_mid_call_steps_aside_and_a_healthy_one_exports_the_order() throws Exception {
    aPaidOrder(7).insert(db.jdbi());
    URI pg = URI.create(db.config().jdbcUrl().substring("jdbc:".length()));
    int pgPort = pg.getPort() == -1 ? 5432 : pg.getPort();
    try (FreezableProxy proxy = new FreezableProxy(pg.getHost(), pgPort)) {
      WorkerRuntime sick = start("sick", db.config().jdbcUrl().replace(":" + pgPort + "/", ":" + proxy.port() + "/"));
      // Ready once its first probes answered (a worker is not ready before its database has answered once).
      await().atMost(Duration.ofSeconds(10)).until(() -> readiness(sick) == 200);
      emulator.latencyMillis(2500); // 1C takes its time: the call is in flight when the database freezes
      queue.enqueue("7", "test");
      await().atMost(Duration.ofSeconds(10)).until(() -> !emulator.received().isEmpty());
      WorkerRuntime healthy = start("healthy", db.config().jdbcUrl());
      proxy.freeze(); // mid-call: 1C creates the invoice, the sick worker's database stops answering
      long frozenAt = System.nanoTime();
      emulator.latencyMillis(0);
      await().atMost(Duration.ofSeconds(10)).until(() -> readiness(healthy) == 200);

      // The healthy worker exports the order within JOB_TIMEOUT + lease + a few seconds.
      await().atMost(Duration.ofSeconds(JOB_TIMEOUT_SECONDS + LEASE_SECONDS + 6)).until(() -> exported(7));
      long exportedMillis = (System.nanoTime() - frozenAt) / 1_000_000;
      System.out.printf("MEASURE sick worker: order exported by the healthy worker %d ms after the freeze%n",
          exportedMillis);

      // The sick worker says so: its readiness answers, and answers "not ready", for as long as the freeze lasts.
      await().atMost(Duration.ofSeconds(5)).until(() -> readiness(sick) == 503);
      for (int i = 0; i < 6; i++) {
        assertThat(readiness(sick)).as("sick while frozen (%d)", i).isEqualTo(503);
        Thread.sleep(500);
      }
      assertThat(readiness(healthy)).isEqualTo(200);
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sick.httpPort() + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("onec_worker_sick{dependency=\"postgresql\"} 1.0");

      proxy.thaw();
      long thawedAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(15)).until(() -> readiness(sick) == 200);
      System.out.printf("MEASURE sick worker: ready again %d ms after the thaw%n",
          (System.nanoTime() - thawedAt) / 1_000_000);
      await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats().active() == 0 && queue.stats().ready() == 0);

      // Once in 1C, once in the shop, nothing left behind.
      assertThat(emulator.invoices()).hasSize(1);
      long flagSets = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM flag_sets WHERE order_id = 7")
          .mapTo(Long.class).one());
      assertThat(flagSets).isEqualTo(1L);
      assertThat(queue.stats().dlq()).isZero();
      assertThat(queue.stats().delayed()).isZero();
    }
  }
}
