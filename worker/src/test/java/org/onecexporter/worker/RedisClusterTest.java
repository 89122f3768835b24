package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.console.DlqEntries;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.emulator.Fault;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.export.Sleeper;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.HttpOneCClient;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;
import org.redisson.api.RedissonClient;

/**
 * The queue on a real 3-master Redis Cluster: redis-server processes on loopback ports, started and stopped here.
 * Every key carries the {@code {hash tag}}, so every script runs on one node.
 *
 * <p>PostgreSQL only: the test is about Redis's topology; the order store under it is the one the other worker
 * tests run on both databases.
 */
@ExtendWith(PostgresExtension.class)
class RedisClusterTest {
  private static final List<Process> NODES = new ArrayList<>();
  private static final List<Integer> PORTS = new ArrayList<>();
  private static Path dir;
  private static RedissonClient client;
  private static EmulatorServer emulator;
  private final TestDatabase db;

  RedisClusterTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    dir = Files.createTempDirectory("redis-cluster");
    for (int i = 0; i < 3; i++) {
      int port = freePort();
      PORTS.add(port);
      Process node = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf", "--dir", dir.toString(),
          "--save", "", "--appendonly", "no")
          .redirectErrorStream(true).redirectOutput(dir.resolve("node-" + port + ".log").toFile()).start();
      NODES.add(node);
    }
    for (int port : PORTS) {
      await().atMost(Duration.ofSeconds(10)).until(() -> run("redis-cli", "-p", Integer.toString(port), "ping")
          .contains("PONG"));
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    PORTS.forEach(p -> create.add("127.0.0.1:" + p));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    assertThat(run(create.toArray(String[]::new))).contains("All 16384 slots covered");
    await().atMost(Duration.ofSeconds(20)).until(() -> PORTS.stream().allMatch(p ->
        run("redis-cli", "-p", Integer.toString(p), "cluster", "info").contains("cluster_state:ok")));
    String url = String.join(",", PORTS.stream().map(p -> "redis://127.0.0.1:" + p).toList());
    client = RedisConnections.create(url, 16);
    emulator = new EmulatorServer(EmulatorConfig.forTests()).start();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (client != null) {
      client.shutdown();
    }
    if (emulator != null) {
      emulator.close();
    }
    for (Process node : NODES) {
      node.destroy();
      node.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void enqueue_export_retry_dead_letter_and_requeue_work_on_a_cluster() {
    JobQueue queue = new JobQueue(client, new QueueKeys("{t:cluster}"));
    queue.deleteAll();
    aPaidOrder(1).insert(db.jdbi());
    aPaidOrder(2).insert(db.jdbi());
    List<Duration> schedule = List.of(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100));
    OneCConfig oneC = Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(2), schedule);
    WorkerConfig config = WorkerConfig.builder("cluster-worker", queue.keys())
        .concurrency(4)
        .maxOneCCalls(2)
        .lease(Duration.ofSeconds(5))
        .circuitFailures(10)
        .circuitOpen(Duration.ofSeconds(1))
        .reconcileInterval(Duration.ofHours(1))
        .reconcileMinAge(Duration.ZERO)
        .shutdownGrace(Duration.ofSeconds(5))
        .build();
    OneCExporter exporter = new OneCExporter(db.jdbi(),
        new PermitGatedClient(new HttpOneCClient(oneC, 4), queue, 2, oneC.timeout(),
            PermitGatedClient.MAX_PERMIT_WAIT, new java.util.concurrent.atomic.AtomicInteger()),
        new InvoiceBuilder(ZoneId.of("Europe/Moscow")), new RetrySchedule(schedule), Sleeper.REAL,
        Clock.systemUTC(), new PiiMasker(true), oneC.timeout());
    emulator.faults().script(List.of(Fault.ERROR_503, Fault.ERROR_503, Fault.ERROR_503, Fault.ERROR_503));

    try (Worker worker = new Worker(config, queue, exporter, new Reconciler(db.jdbi(), queue, Duration.ZERO)).start()) {
      assertThat(queue.enqueue("1", "test").queued()).isTrue();
      await().atMost(Duration.ofSeconds(15)).until(() -> queue.stats().dlq() == 1);
      assertThat(DlqEntries.read(queue, 1).get(0).get("reason").asText()).isEqualTo("exhausted");
      assertThat(queue.stats().counters()).containsEntry("retried", 3L);

      assertThat(queue.enqueue("2", "test").queued()).isTrue();
      assertThat(queue.deadLetters().requeue("1")).isEqualTo(1);
      await().atMost(Duration.ofSeconds(15)).until(() -> queue.stats().counters().getOrDefault("exported", 0L) == 2);
      assertThat(emulator.invoices()).hasSize(2);
      assertThat(queue.stats().dlq()).isZero();
      assertThat(queue.queueStats().timings(Duration.ofMinutes(5)).count()).isEqualTo(2);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }
}
