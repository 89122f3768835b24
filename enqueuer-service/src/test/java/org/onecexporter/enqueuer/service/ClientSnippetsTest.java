package org.onecexporter.enqueuer.service;


import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onecexporter.config.Env;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/**
 * The README's client snippets for payment processors that are not on the JVM (examples/enqueue.py and
 * examples/enqueue.php), run as a shop would run them: they queue the order through the real enqueuer, answer
 * "already_queued" on a repeat, pass a W3C traceparent on, and give up within their timeout without failing the
 * payment when the enqueuer hangs.
 */
@ExtendWith(RedisExtension.class)
class ClientSnippetsTest {
  private static final String TOKEN = "snippet-test-token-0123456789";
  private static final Path EXAMPLES = Path.of("..", "examples");
  private final TestRedis redis;
  private final JobQueue queue;
  private InvoiceEnqueuer enqueuer;
  private EnqueuerHttpServer server;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  ClientSnippetsTest(TestRedis redis) {
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void start() throws Exception {
    queue.deleteAll();
    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    enqueuer = InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", redis.url(), "QUEUE_PREFIX", redis.prefix()), EnqueuerMain.meters(registry));
    server = EnqueuerHttpServer.start(enqueuer, TOKEN, "127.0.0.1", 0, registry);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    server.close();
    enqueuer.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"python3 enqueue.py", "php enqueue.php"})
  void queues_the_order_then_says_already_queued(String snippet) throws Exception {
    String url = "http://127.0.0.1:" + server.port();
    assertThat(run(snippet, url, "7001", null).stdout()).isEqualTo("queued");
    assertThat(queue.stats().ready()).isEqualTo(1);
    assertThat(run(snippet, url, "7001", null).stdout()).isEqualTo("already_queued");
    assertThat(queue.stats().ready()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"python3 enqueue.py", "php enqueue.php"})
  void passes_the_trace_context_and_the_token_on(String snippet) throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer capture = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    capture.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("traceparent") + " "
          + exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    capture.start();
    closeables.add(() -> capture.stop(0));
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    Result result = run(snippet, "http://127.0.0.1:" + capture.getAddress().getPort(), "7002", traceparent);

    assertThat(result.stdout()).isEqualTo("queued");
    assertThat(seen).containsExactly("/v1/orders/7002/invoice-export " + traceparent + " Bearer " + TOKEN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"python3 enqueue.py", "php enqueue.php"})
  void gives_up_within_its_timeout_when_the_enqueuer_hangs_and_the_payment_goes_on(String snippet)
      throws Exception {
    ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    List<Socket> held = new CopyOnWriteArrayList<>();
    Thread acceptor = Thread.ofVirtual().start(() -> {
      while (!silent.isClosed()) {
        try {
          held.add(silent.accept()); // accepts and never answers
        } catch (IOException e) {
          return;
        }
      }
    });
    closeables.add(() -> {
      silent.close();
      for (Socket s : held) {
        s.close();
      }
      acceptor.join(1000);
    });

    long started = System.nanoTime();
    Result result = run(snippet, "http://127.0.0.1:" + silent.getLocalPort(), "7003", null);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEqualTo("not_queued");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(6));
  }

  private record Result(int exitCode, String stdout) {}

  private Result run(String snippet, String url, String orderId, String traceparent) throws Exception {
    String[] parts = snippet.split(" ");
    ProcessBuilder builder = new ProcessBuilder(parts[0], EXAMPLES.resolve(parts[1]).toString(), orderId)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("ENQUEUER_URL", url);
    builder.environment().put("ENQUEUER_TOKEN", TOKEN);
    builder.environment().remove("TRACEPARENT");
    if (traceparent != null) {
      builder.environment().put("TRACEPARENT", traceparent);
    }
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as(snippet + " finished").isTrue();
    return new Result(process.exitValue(), out);
  }
}
