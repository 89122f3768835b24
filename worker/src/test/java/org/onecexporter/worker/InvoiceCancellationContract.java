package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.emulator.Fault;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.export.Sleeper;
import org.onecexporter.history.AttemptHistoryRepository;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.HttpOneCClient;
import org.onecexporter.queue.JobIds;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.TestDatabase;

/**
 * Issue 24 end to end: workers against real Redis, a real database (PostgreSQL, MariaDB) and the 1C emulator over
 * HTTP cancel the invoices of refunded orders through the same queue as the exports.
 */
abstract class InvoiceCancellationContract {
  private static final List<Duration> SCHEDULE =
      List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(600));
  private final TestDatabase db;
  private final EmulatorServer emulator;
  private final JobQueue queue;
  private final OrderStore orders;
  private final List<Worker> workers = new ArrayList<>();

  InvoiceCancellationContract(TestDatabase db, JobQueue queue, EmulatorServer emulator) {
    this.db = db;
    this.queue = queue;
    this.emulator = emulator;
    this.orders = new SqlOrderStore(db.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
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

  private Worker startWorker() {
    return startWorker(4);
  }

  private Worker startWorker(int concurrency) {
    WorkerConfig config = WorkerConfig.builder("cancel-worker-" + workers.size(), queue.keys())
        .concurrency(concurrency)
        .lease(Duration.ofSeconds(3))
        .circuitFailures(3)
        .circuitOpen(Duration.ofMillis(1500))
        .reconcileInterval(Duration.ofHours(1))
        .reconcileMinAge(Duration.ZERO)
        .shutdownGrace(Duration.ofSeconds(5))
        .build();
    OneCConfig oneC = Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(2), SCHEDULE);
    PermitGatedClient client = new PermitGatedClient(new HttpOneCClient(oneC, 8), queue, config.maxOneCCalls(),
        oneC.timeout(), PermitGatedClient.MAX_PERMIT_WAIT, new java.util.concurrent.atomic.AtomicInteger());
    OneCExporter exporter = new OneCExporter(orders, client, new InvoiceBuilder(ZoneId.of("Europe/Moscow")),
        new RetrySchedule(SCHEDULE), Sleeper.REAL, Clock.systemUTC(), new PiiMasker(true), oneC.timeout())
        .lockLapse(config.lease());
    Worker worker = new Worker(config, queue, exporter, reconciler(), new WorkerMetrics(), () -> true, error -> {})
        .start();
    workers.add(worker);
    return worker;
  }

  private Reconciler reconciler() {
    return new Reconciler(orders, new AttemptHistoryRepository(db.jdbi(), db.dialect()), queue, Duration.ZERO);
  }

  private OrderStore.OrderState state(long id) {
    return orders.state(id).orElseThrow();
  }

  private long calls(EmulatorServer.Operation operation) {
    return emulator.received().stream().filter(r -> r.operation() == operation).count();
  }

  private void refund(long id) {
    db.jdbi().useHandle(h -> h.createUpdate("UPDATE orders SET status = 'refunded' WHERE id = :id").bind("id", id)
        .execute());
  }

  @Test
  void a_refund_after_the_export_marks_the_invoice_with_one_call_and_a_second_request_makes_none() {
    aPaidOrder(1).insert(db.jdbi());
    startWorker();
    queue.enqueue("1", "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> state(1).invoiceExported());
    String number = state(1).invoiceNumber();

    refund(1);
    queue.enqueue(JobIds.cancel(1), "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> state(1).cancellation().done());

    assertThat(emulator.deletionMarked(number)).as("1C marked the invoice").isTrue();
    assertThat(emulator.cancellation(number).orElseThrow().reason())
        .as("the reason 1C writes into the invoice's comment, as docs/accountant quotes it")
        .isEqualTo("Order 1 refunded in the shop");
    assertThat(calls(EmulatorServer.Operation.CANCEL)).isEqualTo(1);
    OrderStore.OrderState s = state(1);
    assertThat(s.invoiceExported()).as("the flag keeps meaning: the invoice was created").isTrue();
    assertThat(s.cancellation().answer()).isEqualTo("cancelled");

    // Twice: the enqueuer again, and the reconciler (refunded, exported): no second call to 1C.
    queue.enqueue(JobIds.cancel(1), "test");
    assertThat(reconciler().run().cancelsQueued()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.job(JobIds.cancel(1)).isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.stats().counters().getOrDefault("already_cancelled", 0L)
        == 1L);
    assertThat(calls(EmulatorServer.Operation.CANCEL)).isEqualTo(1);
    assertThat(calls(EmulatorServer.Operation.CREATE)).isEqualTo(1);
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void the_reconciler_finds_a_refunded_exported_order_and_its_invoice_is_marked() {
    aPaidOrder(2).insert(db.jdbi());
    startWorker();
    queue.enqueue("2", "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> state(2).invoiceExported());
    refund(2);

    assertThat(reconciler().run().cancelsQueued()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(2).cancellation().done());
    assertThat(emulator.deletionMarked(state(2).invoiceNumber())).isTrue();
    assertThat(reconciler().run().cancelsQueued()).as("done: not queued again").isZero();
  }

  @Test
  void a_cancellation_before_the_export_ran_means_no_invoice_is_ever_created() {
    aPaidOrder(3).insert(db.jdbi());
    // The payment's export job and then the refund's cancel job, both waiting; the cancel is claimed first.
    queue.enqueue(JobIds.cancel(3), "test");
    queue.enqueue("3", "test");
    // Another order, refunded before its export ran, with no cancel job at all: its status stops the export.
    aPaidOrder(4).insert(db.jdbi());
    refund(4);
    queue.enqueue("4", "test");
    startWorker(1); // one job at a time, in queue order: the cancel runs before the export



    await().atMost(Duration.ofSeconds(20)).until(() -> queue.stats().ready() + queue.stats().active()
        + queue.stats().delayed() == 0);
    assertThat(emulator.received()).as("1C never called").isEmpty();
    assertThat(emulator.invoices()).isEmpty();
    assertThat(state(3).cancellation().answer()).isEqualTo("never_sent");
    assertThat(state(3).invoiceExported()).isFalse();
    assertThat(state(4).invoiceExported()).isFalse();
    assertThat(queue.stats().dlq()).isZero();
    assertThat(queue.stats().counters()).containsEntry("not_created", 3L);
    // And the reconciler does not bring either back as a paid order to export.
    reconciler().run();
    assertThat(queue.stats().ready()).isZero();
  }

  @Test
  void an_export_still_queued_when_the_refund_and_its_cancellation_arrive_creates_no_invoice() {
    // As it happens: the payment's export job waits in the queue (ahead of anything later), then the shop commits the
    // refund and asks for the cancellation. Four slots: the two jobs may run in either order, or race for the lock.
    aPaidOrder(7).insert(db.jdbi());
    queue.enqueue("7", "test");
    refund(7);
    queue.enqueue(JobIds.cancel(7), "test");
    startWorker(4);

    await().atMost(Duration.ofSeconds(20)).until(() -> queue.stats().ready() + queue.stats().active()
        + queue.stats().delayed() == 0);
    assertThat(emulator.received()).as("1C never called").isEmpty();
    assertThat(state(7).invoiceExported()).isFalse();
    assertThat(state(7).cancellation().answer()).isEqualTo("never_sent");
    assertThat(queue.stats().counters()).containsEntry("not_created", 2L);
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void a_cancel_job_queued_behind_the_export_of_an_order_the_shop_still_shows_paid_marks_the_invoice_it_made() {
    // The README's order of events: a cancellation asked without the refund recorded in the shop does not stop an
    // export that runs first; that invoice is created, then marked.
    aPaidOrder(10).insert(db.jdbi());
    queue.enqueue("10", "test");
    queue.enqueue(JobIds.cancel(10), "test");
    startWorker(1); // one job at a time, in queue order: the export runs first

    await().atMost(Duration.ofSeconds(20)).until(() -> state(10).cancellation().done());
    assertThat(calls(EmulatorServer.Operation.CREATE)).isEqualTo(1);
    assertThat(calls(EmulatorServer.Operation.CANCEL)).isEqualTo(1);
    assertThat(emulator.deletionMarked(state(10).invoiceNumber())).isTrue();
    assertThat(emulator.cancellation(state(10).invoiceNumber()).orElseThrow().reason())
        .isEqualTo("Order 10: cancellation requested");
    assertThat(state(10).invoiceExported()).isTrue();
  }

  @Test
  void a_refund_while_the_export_is_in_1c_ends_with_the_invoice_created_once_and_marked_by_one_call() {
    aPaidOrder(8).insert(db.jdbi());
    emulator.latencyMillis(1500); // under the client's 2 s timeout: the export's create is still in 1C meanwhile
    startWorker(4);
    queue.enqueue("8", "test");
    // The number is fixed just before the call and the lease is held through it.
    await().atMost(Duration.ofSeconds(10)).until(() -> state(8).invoiceNumber() != null);
    refund(8);
    queue.enqueue(JobIds.cancel(8), "test");

    await().atMost(Duration.ofSeconds(30)).until(() -> state(8).cancellation().done());
    String number = state(8).invoiceNumber();
    assertThat(calls(EmulatorServer.Operation.CREATE)).isEqualTo(1);
    assertThat(calls(EmulatorServer.Operation.CANCEL)).isEqualTo(1);
    assertThat(emulator.deletionMarked(number)).isTrue();
    assertThat(state(8).invoiceExported()).isTrue();
    assertThat(state(8).cancellation().answer()).isEqualTo("cancelled");
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void while_1c_is_down_the_cancellation_waits_without_spending_attempts_then_marks_the_invoice() {
    aPaidOrder(5).insert(db.jdbi());
    startWorker();
    queue.enqueue("5", "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> state(5).invoiceExported());
    refund(5);

    // 1C answers 503 for ~5 s: far longer than the whole retry schedule (1.2 s).
    emulator.faults().probabilities(Map.of(Fault.ERROR_503, 1.0));
    queue.enqueue(JobIds.cancel(5), "test");
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
    assertThat(queue.stats().dlq()).as("nothing dead-lettered while 1C is down").isZero();
    assertThat(state(5).cancellation().done()).isFalse();
    String attempts = queue.job(JobIds.cancel(5)).get("attempts");
    assertThat(Integer.parseInt(attempts)).as("the outage spent at most the schedule's attempts")
        .isLessThanOrEqualTo(SCHEDULE.size());
    emulator.faults().clear();

    await().atMost(Duration.ofSeconds(20)).until(() -> state(5).cancellation().done());
    assertThat(emulator.deletionMarked(state(5).invoiceNumber())).isTrue();
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void a_refusal_by_1c_goes_to_the_dlq_with_its_reason_and_the_reconciler_leaves_it_to_the_accountant() {
    aPaidOrder(6).insert(db.jdbi());
    startWorker();
    queue.enqueue("6", "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> state(6).invoiceExported());
    String number = state(6).invoiceNumber();
    assertThat(emulator.addBasedDocument(number, "ПоступлениеНаСчет")).isTrue();
    refund(6);

    queue.enqueue(JobIds.cancel(6), "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> queue.stats().dlq() == 1);
    Map<String, String> job = queue.job(JobIds.cancel(6));
    assertThat(job).containsEntry("state", "dead").containsEntry("reason", "invoice_has_documents");
    assertThat(queue.deadLetters().reasons()).containsEntry("invoice_has_documents", 1L);
    assertThat(emulator.deletionMarked(number)).isFalse();
    assertThat(state(6).cancellation().done()).isFalse();
    assertThat(state(6).cancellation().answer()).isEqualTo("has_based_documents");
    assertThat(calls(EmulatorServer.Operation.CANCEL)).isEqualTo(1);
    // The refusal is recorded: even once its DLQ entry is dropped, the reconciler does not call 1C again.
    queue.deleteAll();
    assertThat(reconciler().run().cancelsQueued()).isZero();
  }
}
