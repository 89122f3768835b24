package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
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
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * The enqueuer service and a worker as processes, configured only by the README's OTEL_* variables, send one
 * order's spans to an OTLP/HTTP collector (a stand-in that keeps the protobuf bodies): the payment's trace id
 * (from the traceparent header the payment processor sent) is in what both processes export.
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class TracingProcessTest {
  private static final String TOKEN = "0123456789abcdef0123456789";
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  private final List<Process> processes = new ArrayList<>();
  @TempDir
  Path logDir;

  TracingProcessTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process start(String name, String mainClass, List<String> args, Map<String, String> extra)
      throws Exception {
    Map<String, String> env = new java.util.HashMap<>(db.env());
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("LOG_DIR", logDir.toString());
    env.putAll(extra);
    Process process = CliProcess.start(env, logDir.resolve(name + ".out"), mainClass, args.toArray(String[]::new));
    processes.add(process);
    return process;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void both_processes_export_the_payments_trace_to_an_otlp_collector() throws Exception {
    db.truncate();
    redis.queue().deleteAll();
    aPaidOrder(5150).insert(db.jdbi());
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      bodies.add(exchange.getRequestBody().readAllBytes());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    try {
      Map<String, String> otel = Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
          "OTEL_BSP_SCHEDULE_DELAY", "200");
      int port = freePort();
      start("enqueuer", "org.onecexporter.enqueuer.service.EnqueuerMain", List.of(), merge(otel, Map.of(
          "ENQUEUER_TOKEN", TOKEN, "ENQUEUER_PORT", Integer.toString(port))));
      start("worker", OnecExporterCli.class.getName(), List.of("worker"), merge(otel, Map.of(
          "ONEC_BASE_URL", emulator.baseUrl(), "ONEC_USERNAME", EmulatorConfig.DEFAULT_USERNAME,
          "ONEC_PASSWORD", EmulatorConfig.DEFAULT_PASSWORD, "WORKER_ID", "traced", "WORKER_HTTP_PORT",
          Integer.toString(freePort()))));

      String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest enqueue = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/v1/orders/5150/invoice-export")).header("Authorization", "Bearer " + TOKEN)
          .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      // Two JVMs start with the SDK and the worker migrates: a minute on a loaded two-core machine.
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .until(() -> http.send(enqueue, HttpResponse.BodyHandlers.discarding()).statusCode() == 202);
      await().atMost(Duration.ofSeconds(60)).until(() -> !emulator.received().isEmpty());
      assertThat(emulator.received().get(0).traceparent()).startsWith("00-" + traceId + "-");

      byte[] id = HexFormat.of().parseHex(traceId);
      await().atMost(Duration.ofSeconds(30)).until(() -> names(bodies, id).containsAll(List.of(
          "onec-exporter-enqueuer", "onec-exporter-worker", "invoice-export enqueue", "invoice-export attempt",
          "POST")));
    } finally {
      collector.stop(0);
    }
  }

  /** The service and span names seen in the export bodies that carry this trace id. */
  private static List<String> names(List<byte[]> bodies, byte[] traceId) {
    List<String> found = new ArrayList<>();
    for (byte[] body : bodies) {
      if (indexOf(body, traceId) < 0) {
        continue;
      }
      String text = new String(body, StandardCharsets.ISO_8859_1);
      for (String name : List.of("onec-exporter-enqueuer", "onec-exporter-worker", "invoice-export enqueue",
          "invoice-export attempt", "POST")) {
        if (text.contains(name)) {
          found.add(name);
        }
      }
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new java.util.HashMap<>(a);
    all.putAll(b);
    return all;
  }
}
