package org.onecexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.json.Json;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.queue.testing.RedisExtension;
import picocli.CommandLine;

/**
 * The benchmark harness itself, at a tiny size: it runs, cleans up and reports figures that make sense. Speed is
 * measured by ops/bench, never asserted here.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class BenchCommandTest {
  private static EmulatorServer emulator;

  @BeforeAll
  static void start() throws Exception {
    emulator = new EmulatorServer(EmulatorConfig.forTests()).start();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static JsonNode run(String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      System.arraycopy(args, 0, all, 0, args.length);
      all[args.length] = "--emulator=http://127.0.0.1:" + emulator.port();
      assertThat(new CommandLine(new BenchCommand()).execute(all)).isZero();
    } finally {
      System.setOut(original);
    }
    return Json.MAPPER.readTree(captured.toString(StandardCharsets.UTF_8));
  }

  @Test
  void queue_end_to_end_payment_path_and_pickup_report_their_figures() throws Exception {
    JsonNode queue = run("queue", "--jobs", "300", "--concurrency", "20");
    assertThat(queue.get("process_per_s").asLong()).isPositive();
    // CPU of this process during the run (Redis's share needs BENCH_REDIS_PID, which ops/bench sets).
    assertThat(queue.get("cpu_ms_per_1000_jobs").get("process").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(queue.get("redis_scripts_per_job").asDouble()).as("claims and acks carried by scripts").isPositive();

    JsonNode enqueue = run("queue-enqueue", "--jobs", "200", "--producers", "4");
    assertThat(enqueue.get("mode").asText()).isEqualTo("single");
    assertThat(enqueue.get("enqueue_per_s").asLong()).isPositive();
    // Script calls carry the enqueues; concurrent callers share them, so fewer than one a job is expected (Redis's
    // counts are server-wide: other clients of a shared Redis may add to them).
    assertThat(enqueue.get("redis_scripts_per_job").asDouble()).isPositive();

    emulator.reset();
    JsonNode e2e = run("e2e", "--jobs", "40", "--latency-ms", "20", "--cap", "2", "--concurrency", "8");
    assertThat(e2e.get("database").asText()).isEqualTo("PostgreSQL");
    assertThat(e2e.get("warmup_jobs").asInt()).as("unmeasured, before the measured 40").isEqualTo(50);
    assertThat(e2e.get("invoices_in_emulator").asInt()).isEqualTo(40 + 50);
    assertThat(e2e.get("limit_per_s").asDouble()).isEqualTo(100.0);
    assertThat(e2e.get("percent_of_limit").asDouble()).isBetween(1.0, 105.0);

    // Step 10's two designs on a small pool: each exports every order once.
    for (String lock : new String[] {"lease", "held"}) {
      emulator.reset();
      JsonNode small = run("e2e", "--jobs", "20", "--latency-ms", "20", "--cap", "2", "--concurrency", "8", "--pool",
          "4", "--lock", lock);
      assertThat(small.get("lock").asText()).isEqualTo(lock);
      assertThat(small.get("db_pool").asInt()).isEqualTo(4);
      assertThat(small.get("invoices_in_emulator").asInt()).as(lock).isEqualTo(20 + 50);
    }

    JsonNode payment = run("enqueue", "--samples", "20", "--latency-ms", "10");
    assertThat(payment.get("direct_p50_ms").asDouble()).isGreaterThan(payment.get("enqueue_p50_ms").asDouble());

    JsonNode pickup = run("pickup", "--samples", "5");
    assertThat(pickup.get("p50_ms").asDouble()).isPositive();
  }

  /** ops/bench's step 9: the same end-to-end run with the orders on MariaDB, a database of its own, dropped after. */
  @Test
  void end_to_end_runs_on_mariadb_named_by_database_url() throws Exception {
    org.onecexporter.config.DatabaseConfig mariaDb = MariaDbExtension.server();
    emulator.reset();
    JsonNode e2e = run("e2e", "--jobs", "40", "--latency-ms", "20", "--cap", "2", "--concurrency", "8",
        "--database-url", mariaDb.jdbcUrl(), "--database-user", mariaDb.user());
    assertThat(e2e.get("database").asText()).isEqualTo("MariaDB");
    assertThat(e2e.get("invoices_in_emulator").asInt()).isEqualTo(40 + 50);
    assertThat(e2e.get("percent_of_limit").asDouble()).isBetween(1.0, 105.0);
    long left = org.jdbi.v3.core.Jdbi.create(mariaDb.jdbcUrl(), mariaDb.user(), mariaDb.password()).withHandle(h ->
        h.createQuery("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'bench\\_%'")
            .mapTo(Long.class).one());
    assertThat(left).as("its database dropped").isZero();
  }
}
