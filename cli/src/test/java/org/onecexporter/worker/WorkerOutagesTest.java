package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.cli.CliProcess;
import org.onecexporter.cli.OnecExporterCli;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * A worker process whose PostgreSQL or Redis is out of reach, as an operator sees it on the terminal: the cause in
 * one line, not ready, nothing claimed; an outage's start and end said once each.
 *
 * <p>PostgreSQL only for now: its missing-database cases build PostgreSQL URLs and schemas and expect its driver's
 * texts; MariaDB Connector/J words them differently.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class, EmulatorExtension.class})
class WorkerOutagesTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  private WorkerProcesses workers;
  @TempDir
  Path logDir;

  WorkerOutagesTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    db.truncate();
    redis.queue().deleteAll();
    workers = new WorkerProcesses(db, redis, emulator, logDir);
  }

  @AfterEach
  void stop() {
    workers.close();
  }

  private Process startWorker(String id, Map<String, String> extra) throws IOException {
    Map<String, String> env = new HashMap<>(Map.of("WORKER_HTTP_PORT", "0"));
    env.putAll(extra);
    return workers.start(id, env);
  }

  private String text(String id) throws IOException {
    return workers.text(id);
  }

  private int port(String id) throws IOException {
    return workers.port(id).orElse(-1);
  }

  private static HttpResponse<String> ready(int port) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static List<String> linesWith(String text, String... words) {
    return text.lines().filter(l -> {
      for (String w : words) {
        if (!l.contains(w)) {
          return false;
        }
      }
      return true;
    }).toList();
  }

  @Test
  void a_worker_whose_database_does_not_exist_says_why_in_one_line_is_not_ready_and_claims_nothing()
      throws Exception {
    redis.queue().enqueue("1", "test");
    String server = db.config().jdbcUrl().replaceFirst("^jdbc:postgresql://([^/?]+).*$", "$1");
    Process worker = startWorker("nodb", Map.of("DATABASE_URL", "jdbc:postgresql://" + server + "/nosuchdb"));

    await().atMost(Duration.ofSeconds(60)).until(() -> port("nodb") > 0
        && !linesWith(text("nodb"), "database \"nosuchdb\" does not exist").isEmpty() || !worker.isAlive());
    assertThat(worker.isAlive()).as(text("nodb")).isTrue();
    assertThat(linesWith(text("nodb"), "database \"nosuchdb\" does not exist")).as(text("nodb")).singleElement()
        .asString().contains("PostgreSQL", server + "/nosuchdb");
    HttpResponse<String> ready = ready(port("nodb"));
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
    assertThat(ready.body()).contains("\"postgresql\":\"down\"");

    Thread.sleep(12_000); // past the first probe's 10 s and a few of the 2 s re-checks
    assertThat(worker.isAlive()).isTrue();
    assertThat(redis.queue().job("1")).containsEntry("state", "ready");
    assertThat(redis.queue().stats().active()).isZero();
    assertThat(ready(port("nodb")).statusCode()).isEqualTo(503);
    assertThat(text("nodb")).doesNotContain("Exception", "\tat ");
  }

  @Test
  void a_worker_on_a_database_without_the_order_tables_says_why_is_not_ready_and_claims_nothing() throws Exception {
    redis.queue().enqueue("1", "test");
    String bare = db.schema() + "_bare";
    db.jdbi().useHandle(h -> h.execute("CREATE SCHEMA IF NOT EXISTS " + bare));
    try {
      Process worker = startWorker("bare", Map.of("DATABASE_URL",
          db.config().jdbcUrl().replace("currentSchema=" + db.schema(), "currentSchema=" + bare)));

      await().atMost(Duration.ofSeconds(60)).until(() -> port("bare") > 0
          && !linesWith(text("bare"), "\"orders\" does not exist").isEmpty() || !worker.isAlive());
      assertThat(worker.isAlive()).as(text("bare")).isTrue();
      assertThat(linesWith(text("bare"), "\"orders\" does not exist")).as(text("bare")).singleElement().asString()
          .contains("is sick: its database is not usable", "onec-exporter migrate", "ORDER_SOURCE=reference");
      HttpResponse<String> ready = ready(port("bare"));
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);

      Thread.sleep(12_000); // a few of the 2 s re-checks: still nothing claimed, nothing dead-lettered
      assertThat(worker.isAlive()).isTrue();
      assertThat(redis.queue().job("1")).containsEntry("state", "ready");
      assertThat(redis.queue().stats().active()).isZero();
      assertThat(text("bare")).doesNotContain("Exception", "\tat ");
    } finally {
      db.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS " + bare + " CASCADE"));
    }
  }

  @Test
  void a_redis_outage_is_logged_once_when_it_starts_and_once_when_it_ends() throws Exception {
    aPaidOrder(7).insert(db.jdbi());
    URI redisUri = URI.create(redis.url());
    try (CuttableProxy proxy = new CuttableProxy(redisUri.getHost(), redisUri.getPort())) {
      startWorker("cut", Map.of("REDIS_URL", "redis://127.0.0.1:" + proxy.port()));
      await().atMost(Duration.ofSeconds(60)).until(() -> text("cut").contains("started"));
      int before = text("cut").length();

      proxy.cut();
      Thread.sleep(20_000);
      proxy.restore();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> text("cut").substring(before).contains("redis answers again"));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("no 'redis answers again' after the outage:\n" + text("cut"), e);
      }
      Thread.sleep(3_000);

      String outage = text("cut").substring(before);
      assertThat(linesWith(outage, "is sick: its redis does not answer")).as(outage).hasSize(1);
      assertThat(linesWith(outage, "redis answers again")).as(outage).hasSize(1);
      assertThat(outage).as(outage).doesNotContain("Unexpected exception while processing command", "\tat ");
      assertThat(outage.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count())
          .as(outage).isLessThanOrEqualTo(2);
      redis.queue().enqueue("7", "test");
      await().atMost(Duration.ofSeconds(40)).until(() -> db.jdbi().withHandle(h -> h.createQuery(
          "SELECT invoice_exported_to_1c FROM orders WHERE id = 7").mapTo(Boolean.class).one()));
    }
  }

  /**
   * A loopback TCP proxy that can be cut (every connection closed, new ones refused: Redis stopped) and restored on
   * the same port (Redis started again).
   */
  private static final class CuttableProxy implements AutoCloseable {
    private final String host;
    private final int upstreamPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private volatile boolean closed;

    CuttableProxy(String host, int upstreamPort) throws IOException {
      this.host = host;
      this.upstreamPort = upstreamPort;
      this.server = listen(0);
      this.port = server.getLocalPort();
      accept(server);
    }

    int port() {
      return port;
    }

    private static ServerSocket listen(int port) throws IOException {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      return s;
    }

    private void accept(ServerSocket listening) {
      Thread.ofPlatform().daemon().start(() -> {
        while (!listening.isClosed()) {
          try {
            Socket client = listening.accept();
            Socket upstream = new Socket(host, upstreamPort);
            sockets.add(client);
            sockets.add(upstream);
            Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
            Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
          } catch (IOException e) {
            // cut or closed
          }
        }
      });
    }

    private static void pump(Socket from, Socket to) {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      }
      try {
        to.close();
      } catch (IOException ignored) {
        // closing
      }
    }

    void cut() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
      sockets.clear();
    }

    void restore() throws IOException {
      if (!closed) {
        server = listen(port);
        accept(server);
      }
    }

    @Override
    public void close() throws IOException {
      closed = true;
      cut();
    }
  }
}
