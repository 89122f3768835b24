package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.onecexporter.queue.model.ClaimResult;
import org.onecexporter.queue.model.ClaimedJob;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import org.onecexporter.queue.admin.QueueStats;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.FreezableProxy;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/** Workers against real Redis, real PostgreSQL and the 1C emulator over HTTP. */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class WorkerIntegrationTest {
  private static final List<Duration> SCHEDULE =
      List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(600));
  private final EmulatorServer emulator;
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private final List<Worker> workers = new ArrayList<>();

  WorkerIntegrationTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    db.truncate();
    queue.deleteAll();
  }

  @AfterEach
  void stopWorkers() {
    workers.forEach(Worker::close);
    workers.clear();
  }

  private WorkerConfig config(int concurrency) {
    return WorkerConfig.builder("test-worker-" + workers.size(), queue.keys())
        .concurrency(concurrency)
        .lease(Duration.ofSeconds(2))
        .circuitFailures(3)
        .circuitOpen(Duration.ofMillis(1500))
        .reconcileInterval(Duration.ofHours(1))
        .reconcileMinAge(Duration.ZERO)
        .shutdownGrace(Duration.ofSeconds(5))
        .build();
  }

  private Worker startWorker(WorkerConfig config) {
    return startWorker(config, db.jdbi());
  }

  private Worker startWorker(WorkerConfig config, org.jdbi.v3.core.Jdbi jdbi) {
    return startWorker(config, jdbi, EmulatorConfig.DEFAULT_PASSWORD);
  }

  private Worker startWorker(WorkerConfig config, org.jdbi.v3.core.Jdbi jdbi, String oneCPassword) {
    return startWorker(config, jdbi, oneCPassword,
        new org.onecexporter.db.SqlOrderStore(jdbi, org.onecexporter.db.ReferenceSource.INSTANCE));
  }

  private Worker startWorker(WorkerConfig config, org.jdbi.v3.core.Jdbi jdbi, String oneCPassword,
      org.onecexporter.db.OrderStore store) {
    return startWorker(config, jdbi, oneCPassword, store, PermitGatedClient.MAX_PERMIT_WAIT);
  }

  private Worker startWorker(WorkerConfig config, org.jdbi.v3.core.Jdbi jdbi, String oneCPassword,
      org.onecexporter.db.OrderStore store, Duration permitWait) {
    OneCConfig oneC = Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME, oneCPassword,
        Duration.ofSeconds(2), SCHEDULE);
    PermitGatedClient client = new PermitGatedClient(new HttpOneCClient(oneC, 8), queue, config.maxOneCCalls(),
        oneC.timeout(), permitWait, new java.util.concurrent.atomic.AtomicInteger());
    OneCExporter exporter = new OneCExporter(store, client, new InvoiceBuilder(ZoneId.of("Europe/Moscow")),
        new RetrySchedule(SCHEDULE), Sleeper.REAL, Clock.systemUTC(), new PiiMasker(true), oneC.timeout())
        .lockLapse(config.lease());
    // Probing the worker's own database as WorkerRuntime does: through the connections its exports use.
    Worker worker = new Worker(config, queue, exporter, new Reconciler(db.jdbi(), queue, Duration.ZERO),
        new WorkerMetrics(), () -> jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1,
        error -> {})
        .start();
    workers.add(worker);
    return worker;
  }

  private boolean exported(long id) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT invoice_exported_to_1c FROM orders WHERE id = :id")
        .bind("id", id).mapTo(Boolean.class).one());
  }

  private long exportedCount() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM orders WHERE invoice_exported_to_1c")
        .mapTo(Long.class).one());
  }

  @Test
  void two_workers_export_every_order_once_with_one_call_each() {
    for (long id = 1; id <= 40; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    startWorker(config(8));
    startWorker(config(8));
    for (long id = 1; id <= 40; id++) {
      queue.enqueue(Long.toString(id), "test");
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> exportedCount() == 40);
    assertThat(emulator.invoices()).hasSize(40);
    assertThat(emulator.received()).hasSize(40);
    assertThat(queue.stats().counters()).containsEntry("exported", 40L);
    await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats().active() == 0);
    QueueStats.Timings timings = queue.queueStats().timings(Duration.ofMinutes(5));
    assertThat(timings.count()).isEqualTo(40);
    assertThat(timings.jobP95()).isPresent();
    assertThat(timings.callP99()).hasValueSatisfying(d -> assertThat(d).isLessThan(Duration.ofSeconds(2)));
  }

  @Test
  void metrics_and_health_show_what_happened() throws Exception {
    aPaidOrder(90).insert(db.jdbi());
    aPaidOrder(91).status("new").insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_503));
    Worker worker = startWorker(config(2));
    try (org.onecexporter.ops.OpsHttpServer http = org.onecexporter.ops.OpsHttpServer.start("127.0.0.1", 0, false,
        worker.metrics().registry(), Map.of("redis", () -> true, "postgresql", () -> true))) {
      queue.enqueue("90", "test");
      queue.enqueue("91", "test");
      await().atMost(Duration.ofSeconds(10)).until(() -> exported(90) && queue.stats().dlq() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> scrape(http.port(), "/metrics")
          .contains("onec_queue_jobs{queue=\"dlq\"} 1.0"));

      String metrics = scrape(http.port(), "/metrics");
      assertThat(metrics)
          .contains("onec_exports_total{outcome=\"exported\"} 1.0")
          .contains("onec_exports_total{outcome=\"rejected\"} 1.0")
          .contains("onec_retries_total 1.0")
          .contains("onec_dlq_moves_total{reason=\"not_paid\"} 1.0")
          .contains("onec_call_duration_seconds_count 2")
          .contains("onec_calls_total{outcome=\"transient_failure\"} 1.0")
          .contains("onec_calls_total{outcome=\"exported\"} 1.0")
          .contains("onec_calls_total{outcome=\"permanent_failure\"} 0.0")
          .contains("onec_call_duration_seconds_bucket{le=")
          .contains("onec_export_end_to_end_seconds_count 1")
          .contains("onec_circuit_state{state=\"closed\"} 1.0")
          .contains("onec_calls_in_flight 0.0")
          .contains("onec_jobs_in_flight ")
          .contains("onec_queue_oldest_waiting_seconds");
      assertThat(scrape(http.port(), "/health/ready")).contains("\"status\":\"ready\"");
      assertThat(scrape(http.port(), "/health/live")).contains("up");
    }
  }

  private static String scrape(int port, String path) throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build();
    return client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void an_idle_worker_picks_a_new_job_up_at_once() {
    aPaidOrder(5).insert(db.jdbi());
    startWorker(config(2));
    await().pollDelay(Duration.ofMillis(300)).until(() -> true); // the worker is now blocked waiting for work
    long before = System.nanoTime();
    queue.enqueue("5", "test");
    await().atMost(Duration.ofSeconds(5)).until(() -> !emulator.received().isEmpty());
    long pickupMillis = (System.nanoTime() - before) / 1_000_000;
    assertThat(pickupMillis).as("no sleep-polling").isLessThan(1000);
  }

  @Test
  void transient_failures_follow_the_schedule_then_the_dlq_and_requeue_from_redis_cli_exports() throws Exception {
    aPaidOrder(10).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_500, Fault.ERROR_502, Fault.ERROR_503, Fault.ERROR_500));
    WorkerConfig config = config(2);
    // A wider circuit so four failures of one order do not read as "1C is down".
    startWorker(WorkerConfig.builder(config.workerId(), config.keys())
        .concurrency(2)
        .lease(config.lease())
        .circuitFailures(10)
        .circuitOpen(config.circuitOpen())
        .reconcileInterval(config.reconcileInterval())
        .reconcileMinAge(config.reconcileMinAge())
        .shutdownGrace(config.shutdownGrace())
        .build());
    queue.enqueue("10", "test");

    await().atMost(Duration.ofSeconds(15)).until(() -> queue.stats().dlq() == 1);
    List<EmulatorServer.ReceivedRequest> calls = emulator.received();
    assertThat(calls).hasSize(4);
    for (int i = 1; i < calls.size(); i++) {
      Duration gap = Duration.between(calls.get(i - 1).at(), calls.get(i).at());
      assertThat(gap).as("gap before retry %d", i)
          .isGreaterThanOrEqualTo(SCHEDULE.get(i - 1)).isLessThan(SCHEDULE.get(i - 1).plusMillis(1500));
    }
    assertThat(calls).extracting(EmulatorServer.ReceivedRequest::invoiceNumber).containsOnly("INV-2026-001");
    var entry = DlqEntries.read(queue, 1).get(0);
    assertThat(entry.get("reason").asText()).isEqualTo("exhausted");
    assertThat(entry.get("attempts").asInt()).isEqualTo(4);
    assertThat(entry.get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(entry.get("last_http_status").asInt()).isEqualTo(500);
    assertThat(exported(10)).isFalse();

    ProcessBuilder requeue = new ProcessBuilder("bash", Path.of("..", "ops", "requeue-dlq").toString(), "10")
        .redirectErrorStream(true);
    requeue.environment().put("REDIS_URL", redis.url());
    requeue.environment().put("QUEUE_PREFIX", redis.prefix());
    Process p = requeue.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    assertThat(out).contains("requeued 1 job(s)");

    await().atMost(Duration.ofSeconds(10)).until(() -> exported(10));
    assertThat(emulator.invoices()).hasSize(1);
    assertThat(queue.stats().dlq()).isZero();
  }

  /**
   * WORKER_MAX_STALLS counts lease expiries in a row. A job whose lease ran out twice (its workers killed) keeps that
   * count while it only waits for a fleet-wide 1C permit (the attempt proves nothing: a job that killed its worker
   * whenever it got a permit would otherwise go round for ever), and starts again once an attempt reached 1C and
   * lived to settle: here four 503s, after which the DLQ entry (exhausted) shows the count back at 0.
   */
  @Test
  void a_job_whose_lease_ran_out_twice_keeps_the_count_while_it_waits_for_a_permit_and_starts_again_once_1c_answered()
      throws Exception {
    aPaidOrder(17).insert(db.jdbi());
    queue.enqueue("17", "test");
    for (int stall = 1; stall <= 2; stall++) {
      ClaimedJob killed = ((ClaimResult.Jobs) queue.claim(Duration.ofSeconds(30), "killed", 1)).jobs().get(0);
      queue.extendAll(List.of(killed), Duration.ofMillis(1));
      Thread.sleep(20);
      assertThat(queue.reapJobs(3).back()).containsExactly("17");
    }
    WorkerConfig base = config(1);
    WorkerConfig config = base.toBuilder().maxOneCCalls(1).circuitFailures(10).build();
    // Another process holds the fleet's only 1C permit: the attempt waits for it 300 ms, then waits its turn.
    assertThat(queue.oneC().tryAcquirePermit("held-elsewhere", 1, Duration.ofMinutes(1), null).granted()).isTrue();
    Worker waiting = startWorker(config, db.jdbi(), EmulatorConfig.DEFAULT_PASSWORD,
        new org.onecexporter.db.SqlOrderStore(db.jdbi(), org.onecexporter.db.ReferenceSource.INSTANCE),
        Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.job("17").getOrDefault("last_error", "")
        .contains("ONEC_MAX_CONCURRENCY"));
    assertThat(emulator.received()).as("1C not called").isEmpty();
    assertThat(queue.job("17")).as("a wait for a permit leaves the count").containsEntry("stalls", "2");
    waiting.close();
    workers.remove(waiting);

    queue.oneC().releasePermit("held-elsewhere");
    emulator.faults().script(List.of(Fault.ERROR_503, Fault.ERROR_503, Fault.ERROR_503, Fault.ERROR_503));
    startWorker(config, db.jdbi(), EmulatorConfig.DEFAULT_PASSWORD,
        new org.onecexporter.db.SqlOrderStore(db.jdbi(), org.onecexporter.db.ReferenceSource.INSTANCE),
        Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(15)).until(() -> queue.stats().dlq() == 1);
    var entry = DlqEntries.read(queue, 1).get(0);
    assertThat(entry.get("reason").asText()).isEqualTo("exhausted");
    assertThat(entry.get("stalls").asInt()).as("the attempts reached 1C: the count started again").isZero();
  }

  @Test
  void while_1c_answers_not_configured_the_job_waits_without_spending_attempts_and_never_reaches_the_dlq() {
    aPaidOrder(50).insert(db.jdbi());
    // More not_configured answers than the schedule has attempts (1 + 3).
    emulator.faults().script(List.of(Fault.NOT_CONFIGURED, Fault.NOT_CONFIGURED, Fault.NOT_CONFIGURED,
        Fault.NOT_CONFIGURED, Fault.NOT_CONFIGURED, Fault.NOT_CONFIGURED));
    startWorker(config(2));
    queue.enqueue("50", "test");
    var delayed = redis.client().<String>getScoredSortedSet(queue.keys().delayed(),
        org.redisson.client.codec.StringCodec.INSTANCE);

    for (int call = 1; call <= 6; call++) {
      int calls = call;
      await().atMost(Duration.ofSeconds(10)).until(() -> emulator.received().size() == calls && delayed.contains("50"));
      double dueInMillis = delayed.getScore("50") - System.currentTimeMillis();
      assertThat(dueInMillis).as("1C's Retry-After: 300 is honoured").isGreaterThan(250_000);
      assertThat(queue.stats().dlq()).isZero();
      // Time travel: make the retry due now and wake the idle worker.
      delayed.add(0, "50");
      redis.client().<String>getDeque(queue.keys().wake(), org.redisson.client.codec.StringCodec.INSTANCE).add("1");
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> exported(50));
    assertThat(emulator.received()).hasSize(7);
    assertThat(emulator.invoices()).hasSize(1);
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void wrong_1c_credentials_pause_the_job_instead_of_dead_lettering_it_and_readiness_says_what_to_check()
      throws Exception {
    aPaidOrder(55).insert(db.jdbi());
    Worker worker = startWorker(config(2), db.jdbi(), "не тот пароль");
    var delayed = redis.client().<String>getScoredSortedSet(queue.keys().delayed(),
        org.redisson.client.codec.StringCodec.INSTANCE);
    queue.enqueue("55", "test");

    await().atMost(Duration.ofSeconds(10)).until(() -> delayed.contains("55") || queue.stats().dlq() > 0);
    assertThat(queue.stats().dlq()).as("wrong credentials are no order's fault: nothing to the DLQ").isZero();
    assertThat(delayed.getScore("55") - System.currentTimeMillis()).as("paused like not_configured")
        .isGreaterThan(250_000);
    try (org.onecexporter.ops.OpsHttpServer http = org.onecexporter.ops.OpsHttpServer.start("127.0.0.1", 0, false,
        worker.metrics().registry(), worker.readiness(), worker::warnings)) {
      assertThat(scrape(http.port(), "/health/ready")).contains("\"onec\":\"down\"", "\"status\":\"not ready\"",
          "401", "ONEC_USERNAME", "ONEC_PASSWORD");
      assertThat(scrape(http.port(), "/metrics")).as("the alert's counter").contains("onec_not_configured_total 1.0");
    }
  }

  @Test
  void a_1c_user_without_rights_pauses_the_job_instead_of_dead_lettering_it_and_readiness_says_what_to_check()
      throws Exception {
    aPaidOrder(56).insert(db.jdbi());
    emulator.faults().probabilities(Map.of(Fault.ACCESS_DENIED, 1.0));
    Worker worker = startWorker(config(2));
    var delayed = redis.client().<String>getScoredSortedSet(queue.keys().delayed(),
        org.redisson.client.codec.StringCodec.INSTANCE);
    queue.enqueue("56", "test");

    await().atMost(Duration.ofSeconds(10)).until(() -> delayed.contains("56") || queue.stats().dlq() > 0);
    assertThat(queue.stats().dlq()).as("a 403 access_denied is no order's fault: nothing to the DLQ").isZero();
    assertThat(delayed.getScore("56") - System.currentTimeMillis()).as("paused like not_configured")
        .isGreaterThan(250_000);
    try (org.onecexporter.ops.OpsHttpServer http = org.onecexporter.ops.OpsHttpServer.start("127.0.0.1", 0, false,
        worker.metrics().registry(), worker.readiness(), worker::warnings)) {
      assertThat(scrape(http.port(), "/health/ready")).contains("\"onec\":\"down\"", "\"status\":\"not ready\"",
          "403", "rights", "ONEC_USERNAME");
      assertThat(scrape(http.port(), "/metrics")).as("the alert's counter").contains("onec_not_configured_total 1.0");
    }
    assertThat(exported(56)).isFalse();
  }

  @Test
  void a_1_mb_error_answer_sends_its_job_to_the_dlq_promptly_cut_and_masked_and_the_worker_keeps_exporting() {
    aPaidOrder(30).customer("Мария Сидорова", "+7 916 000-11-22", null).insert(db.jdbi());
    for (long id = 31; id <= 35; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    emulator.faults().script(List.of(Fault.HUGE_400));
    startWorker(config(1));
    long started = System.nanoTime();
    queue.enqueue("30", "test");
    for (long id = 31; id <= 35; id++) {
      queue.enqueue(Long.toString(id), "test");
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> exportedCount() == 5 && queue.stats().dlq() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    var entry = DlqEntries.read(queue, 1).get(0);
    assertThat(entry.get("order_id").asText()).isEqualTo("30");
    assertThat(entry.get("reason").asText()).isEqualTo("refused_by_1c");
    assertThat(entry.get("last_error").asText()).startsWith("1C answered 400: {\"status\":\"error\",\"errors\":"
        + "[\"Покупатель М*** С***").endsWith("…").hasSizeLessThanOrEqualTo(601)
        .doesNotContain("Мария", "Сидоров", "000-11");
    assertThat(exported(30)).isFalse();
  }

  @Test
  void malformed_unknown_and_unpaid_jobs_go_to_the_dlq_with_reasons_and_the_worker_keeps_going() {
    aPaidOrder(20).status("new").insert(db.jdbi());
    aPaidOrder(21).insert(db.jdbi());
    startWorker(config(2));
    redis.client().<String>getDeque(queue.keys().ready()).addFirst("{\"order\": \"oops\"}");
    queue.enqueue("999999", "test");
    queue.enqueue("20", "test");
    queue.enqueue("21", "test");

    await().atMost(Duration.ofSeconds(10)).until(() -> exported(21) && queue.stats().dlq() == 3);
    assertThat(DlqEntries.read(queue, 10)).extracting(e -> e.get("reason").asText())
        .containsExactlyInAnyOrder("malformed", "not_found", "not_paid");
    assertThat(DlqEntries.read(queue, 10)).extracting(e -> e.get("last_error").asText())
        .contains("Order 999999 not found", "Order status is 'new', expected 'paid'");
    assertThat(emulator.received()).hasSize(1);
  }

  @Test
  void during_a_1c_maintenance_window_the_circuit_opens_jobs_wait_and_none_reach_the_dlq() {
    for (long id = 30; id < 40; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    emulator.faults().probabilities(Map.of(Fault.LOCKED_403, 1.0));
    Worker worker = startWorker(config(4));
    for (long id = 30; id < 40; id++) {
      queue.enqueue(Long.toString(id), "test");
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> worker.circuitState() == CircuitState.OPEN);
    int callsWhileOpen = emulator.received().size();
    await().pollDelay(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(emulator.received().size()).as("no calls while the circuit is open").isLessThanOrEqualTo(callsWhileOpen);
    assertThat(callsWhileOpen).as("claiming stopped instead of burning every job").isLessThan(10);

    // Three more seconds of maintenance: probes fail, nothing is dead-lettered.
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(queue.stats().dlq()).isZero();
    emulator.faults().clear();

    await().atMost(Duration.ofSeconds(30)).until(() -> exportedCount() == 10);
    assertThat(queue.stats().dlq()).isZero();
    assertThat(emulator.invoices()).hasSize(10);
    assertThat(queue.stats().counters()).containsKey("circuit_open");
  }

  @Test
  void a_long_1c_outage_spends_no_attempts_and_the_calls_to_the_dead_1c_do_not_grow_with_the_fleet() {
    for (long id = 100; id < 124; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    // 502s and hangs past the 2 s timeout for ~8 s: more than six times the whole retry schedule (1.2 s).
    emulator.hangMillis(2500);
    emulator.faults().probabilities(Map.of(Fault.ERROR_502, 0.8, Fault.HANG, 0.2));
    for (int i = 0; i < 6; i++) {
      startWorker(config(4));
    }
    long outageStart = System.nanoTime();
    for (long id = 100; id < 124; id++) {
      queue.enqueue(Long.toString(id), "test");
    }
    await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
    int callsDuringOutage = emulator.received().size();
    long outageMillis = (System.nanoTime() - outageStart) / 1_000_000;
    assertThat(queue.stats().dlq()).as("nothing dead-lettered during the outage").isZero();
    emulator.faults().clear();

    await().atMost(Duration.ofSeconds(30)).until(() -> exportedCount() == 24);
    assertThat(queue.stats().dlq()).isZero();
    assertThat(emulator.invoices()).hasSize(24);
    // One fleet-wide probe per CIRCUIT_OPEN (1.5 s) after the threshold (3) and the calls in flight (cap 4): a
    // failed call's permit goes back or to a waiting call only once its failure is on the fleet's streak, so no
    // permit carries one more call past the circuit: bounded by the outage, not by the six workers.
    long bound = 4 + 3 + outageMillis / 1500 + 3;
    System.out.printf("OUTAGE calls to the dead 1C: %d in %d ms with 6 workers (bound %d)%n", callsDuringOutage,
        outageMillis, bound);
    assertThat((long) callsDuringOutage).isLessThanOrEqualTo(bound);
  }

  @Test
  void a_1c_failure_reaches_the_fleets_health_before_the_attempt_gives_its_lease_back() throws Exception {
    aPaidOrder(140).insert(db.jdbi());
    emulator.faults().probabilities(Map.of(Fault.ERROR_502, 1.0));
    java.util.concurrent.CountDownLatch unlocking = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
    // The attempt's unlock waits until the test has looked at the fleet's record of 1C.
    org.onecexporter.db.OrderStore store = unlockWaits(
        new org.onecexporter.db.SqlOrderStore(db.jdbi(), org.onecexporter.db.ReferenceSource.INSTANCE), unlocking,
        letGo);
    startWorker(config(1), db.jdbi(), EmulatorConfig.DEFAULT_PASSWORD, store);
    try {
      queue.enqueue("140", "test");
      assertThat(unlocking.await(20, java.util.concurrent.TimeUnit.SECONDS)).as("the attempt reached its unlock")
          .isTrue();
      // The 502 is on the fleet's streak while the attempt still holds the order: a permit handed over when 1C
      // answered cannot send more calls to a dead 1C than the streak allows before the circuit opens.
      assertThat(emulator.received()).hasSize(1);
      assertThat(queue.oneC().state().failures()).as("1C's failure recorded before the unlock").isEqualTo(1);
    } finally {
      letGo.countDown();
      emulator.faults().clear();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> exported(140));
    assertThat(queue.oneC().state().failures()).as("reported once, not again when the attempt ended").isZero();
  }

  /** {@code store} whose sessions' unlock counts {@code unlocking} down, then waits for {@code letGo} (once). */
  private static org.onecexporter.db.OrderStore unlockWaits(org.onecexporter.db.OrderStore store,
      java.util.concurrent.CountDownLatch unlocking, java.util.concurrent.CountDownLatch letGo) {
    java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
    return (org.onecexporter.db.OrderStore) java.lang.reflect.Proxy.newProxyInstance(
        WorkerIntegrationTest.class.getClassLoader(), new Class<?>[] {org.onecexporter.db.OrderStore.class},
        (proxy, method, args) -> {
          Object result = invoke(store, method, args);
          if (!method.getName().equals("open")) {
            return result;
          }
          org.onecexporter.db.OrderStore.Session session = (org.onecexporter.db.OrderStore.Session) result;
          return java.lang.reflect.Proxy.newProxyInstance(WorkerIntegrationTest.class.getClassLoader(),
              new Class<?>[] {org.onecexporter.db.OrderStore.Session.class}, (p, m, a) -> {
                if (m.getName().equals("unlock") && first.compareAndSet(true, false)) {
                  unlocking.countDown();
                  letGo.await(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                return invoke(session, m, a);
              });
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void an_attempt_frozen_on_its_database_is_abandoned_and_another_worker_exports_the_job() throws Exception {
    aPaidOrder(130).insert(db.jdbi());
    java.net.URI pg = java.net.URI.create(db.config().jdbcUrl().substring("jdbc:".length()));
    try (FreezableProxy proxy = new FreezableProxy(pg.getHost(), pg.getPort() == -1 ? 5432 : pg.getPort());
        org.onecexporter.db.Database viaProxy = new org.onecexporter.db.Database(new org.onecexporter.config.DatabaseConfig(
            db.config().jdbcUrl().replace(":" + pg.getPort() + "/", ":" + proxy.port() + "/"), db.config().user(),
            db.config().password()), 4)) {
      emulator.latencyMillis(800);
      WorkerConfig frozen = config(1).toBuilder().jobTimeout(Duration.ofSeconds(3)).build();
      startWorker(frozen, viaProxy.jdbi());
      queue.enqueue("130", "test");
      await().atMost(Duration.ofSeconds(10)).until(() -> !emulator.received().isEmpty());
      proxy.freeze(); // mid-export: 1C is creating the invoice, the database stops answering
      long frozenAt = System.nanoTime();
      WorkerConfig other = config(2).toBuilder().jobTimeout(Duration.ofSeconds(3)).build();
      startWorker(WorkerConfig.builder("other", other.keys())
          .concurrency(2)
          .lease(other.lease())
          .circuitFailures(3)
          .circuitOpen(other.circuitOpen())
          .reconcileInterval(other.reconcileInterval())
          .reconcileMinAge(other.reconcileMinAge())
          .shutdownGrace(other.shutdownGrace())
          .jobTimeout(other.jobTimeout())
          .infraRetryDelays(other.infraRetryDelays())
          .build());

      await().atMost(Duration.ofSeconds(25)).until(() -> exported(130));
      System.out.printf("MEASURE frozen attempt: exported by another worker %d ms after the freeze%n",
          (System.nanoTime() - frozenAt) / 1_000_000);
      assertThat(emulator.invoices()).hasSize(1);
    } finally {
      emulator.latencyMillis(0);
    }
  }

  @Test
  void an_idle_worker_runs_a_due_retry_within_tens_of_milliseconds() {
    aPaidOrder(140).insert(db.jdbi());
    aPaidOrder(141).insert(db.jdbi());
    startWorker(config(2));
    queue.enqueue("141", "test"); // warm-up: the measured calls are not a cold JVM's first
    await().atMost(Duration.ofSeconds(10)).until(() -> exported(141));
    emulator.faults().script(List.of(Fault.ERROR_502));
    await().pollDelay(Duration.ofMillis(1500)).until(() -> true); // idle: blocked on Redis
    queue.enqueue("140", "test");
    await().atMost(Duration.ofSeconds(10)).until(() -> exported(140));
    List<EmulatorServer.ReceivedRequest> calls = emulator.received();
    long gap = Duration.between(calls.get(1).at(), calls.get(2).at()).toMillis();
    System.out.printf("MEASURE retry due in %d ms ran %d ms after the failure%n", SCHEDULE.get(0).toMillis(), gap);
    assertThat(gap).isGreaterThanOrEqualTo(SCHEDULE.get(0).toMillis()).isLessThan(SCHEDULE.get(0).toMillis() + 120);
  }

  @Test
  void after_redis_loses_its_data_the_reconciler_restores_the_jobs_and_all_are_exported_once() {
    for (long id = 50; id < 60; id++) {
      aPaidOrder(id).insert(db.jdbi());
      queue.enqueue(Long.toString(id), "enqueuer");
    }
    aPaidOrder(60).status("new").insert(db.jdbi());
    queue.deleteAll(); // what FLUSHALL does to our keys

    Reconciler.Report report = new Reconciler(db.jdbi(), queue, Duration.ZERO).run();
    assertThat(report.queued()).isEqualTo(10);
    assertThat(new Reconciler(db.jdbi(), queue, Duration.ZERO).run().queued()).as("idempotent").isZero();

    startWorker(config(4));
    await().atMost(Duration.ofSeconds(20)).until(() -> exportedCount() == 10);
    assertThat(emulator.invoices()).hasSize(10);
    assertThat(emulator.received()).hasSize(10);
    assertThat(queue.stats().ready()).isZero();
  }

  @Test
  void an_order_rejected_as_unpaid_is_requeued_by_the_reconciler_once_it_is_paid_but_invalid_ones_stay() {
    aPaidOrder(70).status("new").insert(db.jdbi());
    aPaidOrder(71).customer("", "", null).insert(db.jdbi());
    startWorker(config(2));
    queue.enqueue("70", "enqueuer"); // the enqueue won the race against the payment transaction
    queue.enqueue("71", "enqueuer");
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.stats().dlq() == 2);

    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET status = 'paid' WHERE id = 70"));
    Reconciler.Report report = new Reconciler(db.jdbi(), queue, Duration.ZERO).run();

    assertThat(report.requeued()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> exported(70));
    assertThat(new Reconciler(db.jdbi(), queue, Duration.ZERO).run().requeued()).as("no loop").isZero();
    assertThat(DlqEntries.read(queue, 10)).singleElement()
        .satisfies(e -> assertThat(e.get("reason").asText()).isEqualTo("invalid"));
  }

  @Test
  void the_fleet_never_runs_more_1c_calls_than_the_cap() {
    for (long id = 80; id < 92; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    emulator.latencyMillis(300);
    WorkerConfig base = config(8);
    WorkerConfig capped = WorkerConfig.builder("cap", base.keys())
        .concurrency(8)
        .maxOneCCalls(2)
        .lease(base.lease())
        .circuitFailures(3)
        .circuitOpen(base.circuitOpen())
        .reconcileInterval(base.reconcileInterval())
        .reconcileMinAge(base.reconcileMinAge())
        .shutdownGrace(base.shutdownGrace())
        .build();
    startWorker(capped);
    startWorker(WorkerConfig.builder("cap2", base.keys())
        .concurrency(8)
        .maxOneCCalls(2)
        .lease(base.lease())
        .circuitFailures(3)
        .circuitOpen(base.circuitOpen())
        .reconcileInterval(base.reconcileInterval())
        .reconcileMinAge(base.reconcileMinAge())
        .shutdownGrace(base.shutdownGrace())
        .build());
    for (long id = 80; id < 92; id++) {
      queue.enqueue(Long.toString(id), "test");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> exportedCount() == 12);
    assertThat(emulator.maxConcurrentRequests()).isLessThanOrEqualTo(2);
  }
}
