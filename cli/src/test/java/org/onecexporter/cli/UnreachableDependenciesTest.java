package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onecexporter.db.Dialect;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.json.Json;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * A wrong {@code DATABASE_URL} or {@code REDIS_URL}, or a Redis that is down or hangs, as an operator meets them:
 * every command names the unreachable server and the cause in one line on stderr and exits 5 within seconds.
 * On PostgreSQL and on MariaDB ({@link UnreachableDependenciesOnMariaDbTest}), each with its driver's words for a
 * database that does not exist.
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class UnreachableDependenciesTest {
  /**
   * The whole process, JVM start included, on a 2-core host shared with other builds (7-10 s when it is idle, up to
   * 24 s measured under load); a wrong database took 74 s before.
   */
  private static final Duration FEW_SECONDS = Duration.ofSeconds(30);

  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  @TempDir
  Path logDir;

  UnreachableDependenciesTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    db.truncate();
    redis.queue().deleteAll();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(
        org.onecexporter.worker.WorkerProcesses.environment(db, redis, emulator, logDir));
    return env;
  }

  private record Timed(CliProcess.Result result, Duration took) {}

  private static Timed run(Map<String, String> env, String command) throws Exception {
    long started = System.nanoTime();
    CliProcess.Result result = CliProcess.run(env, command.split(" "));
    return new Timed(result, Duration.ofNanos(System.nanoTime() - started));
  }

  private static List<String> lines(String text) {
    return text.lines().filter(l -> !l.isBlank()).toList();
  }

  /** The test server's host and port ({@code 127.0.0.1:5432}), for a database on it that does not exist. */
  private String serverAddress() {
    return db.config().jdbcUrl().replaceFirst("^jdbc:[a-z]+://([^/?]+).*$", "$1");
  }

  /** {@code jdbc:postgresql://} or {@code jdbc:mariadb://}: the test server's kind. */
  private String scheme() {
    return db.config().jdbcUrl().replaceFirst("^(jdbc:[a-z]+://).*$", "$1");
  }

  /** How the server's driver says that a database does not exist. */
  private String noSuchDatabase() {
    return db.dialect() == Dialect.POSTGRESQL ? "database \"nosuchdb\" does not exist" : "Unknown database 'nosuchdb'";
  }

  @ParameterizedTest
  @ValueSource(strings = {"export 1", "status 1", "reconcile", "migrate"})
  void a_database_that_does_not_exist_is_named_in_one_line_with_exit_5(String command) throws Exception {
    aPaidOrder(1).insert(db.jdbi());
    Map<String, String> env = env();
    env.put("DATABASE_URL", scheme() + serverAddress() + "/nosuchdb");

    Timed run = run(env, command);

    assertThat(run.result().exitCode()).as(run.result().stderr()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(lines(run.result().stderr())).as(run.result().stderr()).singleElement().asString()
        .contains(db.dialect().serverName(), serverAddress() + "/nosuchdb", noSuchDatabase());
    assertThat(run.took()).isLessThan(FEW_SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"export 1", "status 1", "reconcile", "migrate"})
  void a_refused_database_port_is_named_in_one_line_with_exit_5(String command) throws Exception {
    Map<String, String> env = env();
    env.put("DATABASE_URL", scheme() + "127.0.0.1:1/test");

    Timed run = run(env, command);

    assertThat(run.result().exitCode()).as(run.result().stderr()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(lines(run.result().stderr())).as(run.result().stderr()).singleElement().asString()
        .contains(db.dialect().serverName(), "127.0.0.1:1", "Connection refused");
    assertThat(run.took()).isLessThan(FEW_SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"enqueue 1", "stats", "dlq list", "reconcile", "status 1"})
  void a_refused_redis_port_is_named_in_one_line_with_exit_5(String command) throws Exception {
    aPaidOrder(1).insert(db.jdbi());
    Map<String, String> env = env();
    env.put("REDIS_URL", "redis://127.0.0.1:1");

    Timed run = run(env, command);

    assertThat(run.result().exitCode()).as(run.result().stderr()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(lines(run.result().stderr())).as(run.result().stderr()).singleElement().asString()
        .contains("Redis", "127.0.0.1:1")
        .doesNotContain("Exception", "org.redisson");
    assertThat(run.took()).isLessThan(FEW_SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"enqueue 1", "stats", "dlq list"})
  void a_redis_that_accepts_connections_and_never_answers_is_named_in_one_line_with_exit_5(String command)
      throws Exception {
    try (SilentServer silent = new SilentServer()) {
      Map<String, String> env = env();
      env.put("REDIS_URL", "redis://127.0.0.1:" + silent.port());

      Timed run = run(env, command);

      assertThat(run.result().exitCode()).as(run.result().stderr()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(lines(run.result().stderr())).as(run.result().stderr()).singleElement().asString()
          .contains("Redis", "127.0.0.1:" + silent.port())
          .doesNotContain("Exception", "org.redisson");
      assertThat(run.took()).isLessThan(FEW_SECONDS);
    }
  }

  @Test
  void status_of_an_exported_order_answers_from_the_database_when_redis_is_down() throws Exception {
    aPaidOrder(1).insert(db.jdbi());
    assertThat(CliProcess.run(env(), "export", "1").exitCode()).isZero();
    Map<String, String> env = env();
    env.put("REDIS_URL", "redis://127.0.0.1:1");

    Timed run = run(env, "status 1");

    assertThat(run.result().exitCode()).as(run.result().stderr()).isZero();
    JsonNode doc = Json.MAPPER.readTree(run.result().stdout());
    assertThat(doc.get("where").asText()).isEqualTo("exported");
    assertThat(doc.get("order").get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(doc.get("attempts")).hasSize(1);
    assertThat(doc.get("queue").asText()).contains("unknown", "Redis");
    assertThat(lines(run.result().stderr())).singleElement().asString().contains("exported", "Redis");
    assertThat(run.took()).isLessThan(FEW_SECONDS);
  }

  @Test
  void status_of_a_refunded_order_whose_invoice_is_marked_answers_cancelled_from_the_database_when_redis_is_down()
      throws Exception {
    aPaidOrder(1).insert(db.jdbi());
    assertThat(CliProcess.run(env(), "export", "1").exitCode()).isZero();
    db.jdbi().useHandle(h -> {
      h.execute("UPDATE orders SET status = 'refunded' WHERE id = 1");
      h.execute("INSERT INTO onec_exporter_ledger (order_id, invoice_cancel_requested_at, invoice_cancelled_at,"
          + " invoice_cancel_answer) VALUES (1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'cancelled')");
    });
    Map<String, String> env = env();
    env.put("REDIS_URL", "redis://127.0.0.1:1");

    Timed run = run(env, "status 1");

    assertThat(run.result().exitCode()).as(run.result().stderr()).isZero();
    JsonNode doc = Json.MAPPER.readTree(run.result().stdout());
    assertThat(doc.get("where").asText()).as("the ledger says the invoice is marked, not just created")
        .isEqualTo("cancelled");
    assertThat(doc.get("order").get("invoice_exported_to_1c").asBoolean()).isTrue();
    assertThat(lines(run.result().stderr())).singleElement().asString().contains("cancelled", "Redis");

    // Refunded, its cancellation asked but not done: with the queue unknown, so is where it stands.
    db.jdbi().useHandle(h -> h.execute("UPDATE onec_exporter_ledger SET invoice_cancelled_at = NULL,"
        + " invoice_cancel_answer = NULL WHERE order_id = 1"));
    Timed pending = run(env, "status 1");
    assertThat(pending.result().exitCode()).as(pending.result().stderr()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(Json.MAPPER.readTree(pending.result().stdout()).get("where").asText()).isEqualTo("unknown");
  }

  @Test
  void status_of_an_order_not_yet_exported_says_its_queue_part_is_unknown_when_redis_is_down() throws Exception {
    aPaidOrder(1).insert(db.jdbi());
    Map<String, String> env = env();
    env.put("REDIS_URL", "redis://127.0.0.1:1");

    Timed run = run(env, "status 1");

    assertThat(run.result().exitCode()).as(run.result().stderr()).isEqualTo(ExitCodes.UNAVAILABLE);
    JsonNode doc = Json.MAPPER.readTree(run.result().stdout());
    assertThat(doc.get("where").asText()).isEqualTo("unknown");
    assertThat(doc.get("order").get("paid").asBoolean()).isTrue();
    assertThat(doc.get("queue").asText()).contains("unknown", "Redis");
    assertThat(lines(run.result().stderr())).singleElement().asString().contains("Redis", "127.0.0.1:1");
  }

  /** Accepts TCP connections and never answers: a Redis that hangs (stopped, swapping, a dropped network). */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new ArrayList<>();

    SilentServer() throws IOException {
      Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            Socket s = server.accept();
            synchronized (accepted) {
              accepted.add(s);
            }
          }
        } catch (IOException closed) {
          // the test ended
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }
}
