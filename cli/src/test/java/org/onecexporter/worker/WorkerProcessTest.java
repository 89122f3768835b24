package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.cli.CliProcess;
import org.onecexporter.cli.OnecExporterCli;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.TestDatabase;

/** Worker processes as an operator runs them, killed the hard way and the polite way. */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class WorkerProcessTest {
  private final EmulatorServer emulator;
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private WorkerProcesses workers;
  @TempDir
  Path logDir;

  WorkerProcessTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    db.truncate();
    queue.deleteAll();
    workers = new WorkerProcesses(db, redis, emulator, logDir);
  }

  @AfterEach
  void killLeftovers() {
    workers.close();
  }

  private Process startWorkerProcess(String id, Map<String, String> extra) throws IOException {
    return workers.start(id, extra);
  }

  private boolean exported(long id) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT invoice_exported_to_1c FROM orders WHERE id = :id")
        .bind("id", id).mapTo(Boolean.class).one());
  }

  @Test
  void a_worker_killed_mid_call_loses_nothing_and_the_invoice_exists_once() throws Exception {
    aPaidOrder(1).insert(db.jdbi());
    emulator.latencyMillis(4000); // a slow 1C: the call is in flight when the worker dies
    Process victim = startWorkerProcess("victim", Map.of("LEASE_SECONDS", "2"));
    queue.enqueue("1", "test");
    await().atMost(Duration.ofSeconds(30)).until(() -> !emulator.received().isEmpty());

    victim.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-back
    assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
    long killedAt = System.nanoTime();
    emulator.latencyMillis(0);
    startWorkerProcess("rescuer", Map.of("LEASE_SECONDS", "2"));

    await().atMost(Duration.ofSeconds(40)).until(() -> exported(1));
    Duration recovery = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(emulator.invoices()).hasSize(1);
    assertThat(emulator.received()).extracting(EmulatorServer.ReceivedRequest::invoiceNumber)
        .containsOnly("INV-2026-001");
    assertThat(queue.stats().counters()).containsEntry("stalled", 1L);
    // The rescuer's reaper says which order came back: a search for the order finds why it ran twice.
    assertThat(java.nio.file.Files.readString(logDir.resolve("rescuer.out")))
        .contains("reaper: 1 job(s) whose lease ran out are back in play: order 1");
    // Lease 2 s + reaper interval + the rescuer's JVM start: well within the 30 s default lease.
    assertThat(recovery).isLessThan(Duration.ofSeconds(25));
  }

  @Test
  void sigterm_lets_the_in_flight_export_finish() throws Exception {
    aPaidOrder(2).insert(db.jdbi());
    emulator.latencyMillis(1500);
    Process worker = startWorkerProcess("polite", Map.of("WORKER_SHUTDOWN_GRACE_SECONDS", "20"));
    queue.enqueue("2", "test");
    await().atMost(Duration.ofSeconds(30)).until(() -> !emulator.received().isEmpty());

    worker.destroy(); // SIGTERM
    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(exported(2)).isTrue();
    assertThat(queue.stats().active()).isZero();
    assertThat(queue.stats().counters()).containsEntry("exported", 1L);
  }

  @Test
  void a_worker_waits_for_redis_instead_of_crash_looping() throws Exception {
    aPaidOrder(3).insert(db.jdbi());
    Process worker = startWorkerProcess("patient", Map.of("REDIS_URL", "redis://127.0.0.1:1"));
    await().atMost(Duration.ofSeconds(30)).until(() ->
        java.nio.file.Files.readString(logDir.resolve("patient.out")).split("Redis unreachable", -1).length > 2);
    assertThat(worker.isAlive()).as("still waiting after two tries, not exited").isTrue();
  }

  /**
   * The worker is the command that starts most often (a container restart, a scale-out) and its start is measured
   * (ops/bench step 8: start to the first call to 1C). picocli's classes are compiled for Java 5, which a class-data
   * archive (AppCDS, the JDK's AOT cache) cannot hold: parsed and verified at every start, they were 0.3 s of a
   * 2 s start on one core. A plain {@code worker} does not touch them, and still exports.
   */
  @Test
  void a_plain_worker_start_does_not_load_the_command_line_parser() throws Exception {
    aPaidOrder(4).insert(db.jdbi());
    Path classes = logDir.resolve("classes.log");
    startWorkerProcess("lean", Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes));
    queue.enqueue("4", "test");
    await().atMost(Duration.ofSeconds(30)).until(() -> exported(4));
    // The ops port opens after the first claim: its Jetty (and MemoryUtils) must have started before we look.
    await().atMost(Duration.ofSeconds(30)).until(() -> workers.port("lean").isPresent());

    List<String> loaded = java.nio.file.Files.readAllLines(classes);
    assertThat(loaded.stream().filter(l -> l.contains(" org.eclipse.jetty.util.MemoryUtils ")).count())
        .as("Jetty's MemoryUtils was loaded").isEqualTo(1);
    assertThat(loaded.stream().filter(l -> l.contains(" org.onecexporter.worker.Worker ")).count())
        .as("the class-load log was written").isEqualTo(1);
    assertThat(loaded.stream().filter(l -> l.contains(" picocli.")).limit(5).toList()).isEmpty();
    // Nor the platform MBean server: Jetty builds it (and with it every platform MBean, JFR's among them) only to
    // read UseCompressedOops, about 0.2 s of CPU beside the first export on one core.
    assertThat(loaded.stream().filter(l -> l.contains(" com.sun.jmx.mbeanserver.JmxMBeanServer ")).toList()).isEmpty();
  }
}
