package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.console.DlqEntries;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/** The operator's queue commands, run as separate processes. */
@ExtendWith({DatabaseExtension.class, RedisExtension.class})
class CliQueueCommandsTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  @TempDir
  Path logDir;

  CliQueueCommandsTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    db.truncate();
    queue.deleteAll();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("LOG_DIR", logDir.toString());
    env.put("RECONCILE_MIN_AGE_SECONDS", "0");
    return env;
  }

  @Test
  void enqueue_cancel_queues_the_invoices_cancellation_and_a_dead_one_is_requeued_by_its_id() throws Exception {
    CliProcess.Result enqueue = CliProcess.run(env(), "enqueue", "--cancel", "21", "21");
    assertThat(enqueue.exitCode()).as(enqueue.stderr()).isZero();
    assertThat(enqueue.stdout().lines()).containsExactly(
        "{\"order_id\":21,\"status\":\"queued\",\"state\":\"ready\",\"job\":\"cancel:21\"}",
        "{\"order_id\":21,\"status\":\"already_queued\",\"state\":\"ready\",\"job\":\"cancel:21\"}");
    assertThat(queue.job("cancel:21")).containsEntry("source", "cli");
    assertThat(queue.job("21")).as("the export's job is another").isEmpty();

    ClaimedJob job = queue.claim(java.time.Duration.ofSeconds(30), "t", 1).jobs().get(0);
    assertThat(job.orderId()).isEqualTo("cancel:21");
    queue.deadLetter(job, "invoice_has_documents", "1C did not cancel the invoice: documents are based on it", 409,
        "INV-2026-001");
    CliProcess.Result requeue = CliProcess.run(env(), "dlq", "requeue", "cancel:21");
    assertThat(requeue.exitCode()).as(requeue.stderr()).isZero();
    assertThat(requeue.stdout()).contains("\"requeued\":1");
    assertThat(queue.job("cancel:21")).containsEntry("state", "ready");
  }

  @Test
  void enqueue_stats_and_the_dlq_commands() throws Exception {
    CliProcess.Result enqueue = CliProcess.run(env(), "enqueue", "11", "12", "11");
    assertThat(enqueue.exitCode()).as(enqueue.stderr()).isZero();
    assertThat(enqueue.stdout().lines()).containsExactly(
        "{\"order_id\":11,\"status\":\"queued\",\"state\":\"ready\"}",
        "{\"order_id\":12,\"status\":\"queued\",\"state\":\"ready\"}",
        "{\"order_id\":11,\"status\":\"already_queued\",\"state\":\"ready\"}");

    ClaimedJob job = queue.claim(java.time.Duration.ofSeconds(30), "t", 1).jobs().get(0);
    queue.deadLetter(job, "refused_by_1c", "1C answered 400: articul ФР-1 not found", 400, "INV-2026-001");

    JsonNode stats = Json.MAPPER.readTree(CliProcess.run(env(), "stats").stdout());
    assertThat(stats.get("ready").asLong()).isEqualTo(1);
    assertThat(stats.get("dlq").asLong()).isEqualTo(1);
    assertThat(stats.get("oldest_waiting_seconds").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(stats.get("counters").get("enqueued").asLong()).isEqualTo(2);

    CliProcess.Result list = CliProcess.run(env(), "dlq", "list");
    assertThat(list.stdout()).contains("\"order_id\":\"11\"", "\"reason\":\"refused_by_1c\"", "ФР-1 not found");
    assertThat(list.stderr()).contains("1 entry in the DLQ");

    JsonNode show = Json.MAPPER.readTree(CliProcess.run(env(), "dlq", "show", "11").stdout());
    assertThat(show.get("dlq_entry").get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(show.get("job").get("state").asText()).isEqualTo("dead");
    assertThat(show.get("job").has("token")).isFalse();

    CliProcess.Result star = CliProcess.run(env(), "dlq", "requeue", "*");
    assertThat(star.exitCode()).as("'*' is not an order id: every entry is --all").isEqualTo(ExitCodes.USAGE);
    assertThat(star.stderr()).contains("order id must be a positive integer");
    assertThat(CliProcess.run(env(), "dlq", "requeue", "abc").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliProcess.run(env(), "dlq", "requeue", "--all", "11").exitCode()).isEqualTo(ExitCodes.USAGE);
    for (String[] args : new String[][] {{"*"}, {}}) {
      ProcessBuilder shell = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("bash",
          Path.of("..", "ops", "requeue-dlq").toString()), java.util.Arrays.stream(args)).toList());
      shell.environment().put("REDIS_URL", redis.url());
      shell.environment().put("QUEUE_PREFIX", redis.prefix());
      shell.redirectErrorStream(true);
      Process process = shell.start();
      String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as("ops/requeue-dlq %s: %s", java.util.Arrays.toString(args), out).isEqualTo(2);
    }
    assertThat(queue.stats().dlq()).as("nothing requeued").isEqualTo(1);
    assertThat(CliProcess.run(env(), "dlq", "requeue", "999").exitCode()).isEqualTo(ExitCodes.REJECTED);
    assertThat(CliProcess.run(env(), "dlq", "requeue").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliProcess.run(env(), "dlq", "requeue", "11").stdout()).contains("{\"requeued\":1}");
    assertThat(queue.stats().ready()).isEqualTo(2);

    job = queue.claim(java.time.Duration.ofSeconds(30), "t", 1).jobs().get(0);
    queue.deadLetter(job, "invalid", "bad", 0, null);
    assertThat(CliProcess.run(env(), "dlq", "purge").exitCode()).as("needs --yes").isEqualTo(ExitCodes.USAGE);
    assertThat(CliProcess.run(env(), "dlq", "purge", "--yes").stdout()).contains("{\"purged\":1}");
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void enqueue_and_dlq_requeue_all_move_2000_orders_in_a_few_script_calls() throws Exception {
    queue.enqueue("7", "enqueuer"); // already queued: left as it is
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("enqueue"));
    for (int id = 1; id <= 2000; id++) {
      args.add(Integer.toString(id));
    }
    args.add("15"); // twice on the command line: queued once
    CliProcess.Result enqueue = CliProcess.run(env(), args.toArray(String[]::new));
    assertThat(enqueue.exitCode()).as(enqueue.stderr()).isZero();
    java.util.List<String> lines = enqueue.stdout().lines().toList();
    assertThat(lines).hasSize(2001);
    assertThat(lines.get(6)).isEqualTo("{\"order_id\":7,\"status\":\"already_queued\",\"state\":\"ready\"}");
    assertThat(lines.get(2000)).isEqualTo("{\"order_id\":15,\"status\":\"already_queued\",\"state\":\"ready\"}");
    assertThat(lines.stream().filter(l -> l.contains("\"queued\""))).hasSize(1999);
    assertThat(queue.stats().ready()).isEqualTo(2000);
    assertThat(queue.job("7")).containsEntry("source", "enqueuer");

    int dead = 0;
    while (dead < 2000) {
      for (ClaimedJob job : queue.claim(java.time.Duration.ofSeconds(30), "t", 32).jobs()) {
        queue.deadLetter(job, "exhausted", "1C answered 503", 503, null);
        dead++;
      }
    }
    CliProcess.Result requeue = CliProcess.run(env(), "dlq", "requeue", "--all");
    assertThat(requeue.stdout()).contains("{\"requeued\":2000}");
    assertThat(queue.stats().dlq()).isZero();
    assertThat(redis.client().<String>getList(queue.keys().ready(), org.redisson.client.codec.StringCodec.INSTANCE)
        .readAll()).hasSize(2000).doesNotHaveDuplicates();
  }

  @Test
  void dlq_drop_removes_one_entry_and_leaves_the_others() throws Exception {
    queue.enqueue("31", "enqueuer");
    queue.enqueue("32", "enqueuer");
    ClaimedJob first = queue.claim(java.time.Duration.ofSeconds(30), "t", 1).jobs().get(0);
    queue.deadLetter(first, "not_paid", "Order status is 'new', expected 'paid'", 0, null);
    ClaimedJob second = queue.claim(java.time.Duration.ofSeconds(30), "t", 1).jobs().get(0);
    queue.deadLetter(second, "invalid", "bad", 0, null);

    CliProcess.Result drop = CliProcess.run(env(), "dlq", "drop", "31");

    assertThat(drop.exitCode()).as(drop.stderr()).isZero();
    assertThat(drop.stdout().strip()).isEqualTo("{\"dropped\":1}");
    assertThat(queue.stats().dlq()).isEqualTo(1);
    assertThat(DlqEntries.read(queue, 10)).singleElement()
        .satisfies(e -> assertThat(e.get("order_id").asText()).isEqualTo("32"));
    assertThat(queue.job("31")).as("the dead record goes, so the order can be queued again").isEmpty();
    assertThat(queue.job("32")).containsEntry("state", "dead");
    assertThat(queue.enqueue("31", "enqueuer").queued()).isTrue();

    CliProcess.Result again = CliProcess.run(env(), "dlq", "drop", "31");
    assertThat(again.exitCode()).as("no DLQ entry any more").isEqualTo(ExitCodes.REJECTED);
    assertThat(again.stdout().strip()).isEqualTo("{\"dropped\":0}");
    assertThat(queue.job("31")).as("a live job is not touched").containsEntry("state", "ready");
    assertThat(CliProcess.run(env(), "dlq", "drop").exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void reconcile_queues_paid_unexported_orders_without_jobs() throws Exception {
    aPaidOrder(21).insert(db.jdbi());
    aPaidOrder(22).insert(db.jdbi());
    aPaidOrder(23).status("cancelled").insert(db.jdbi());
    queue.enqueue("22", "enqueuer");

    CliProcess.Result result = CliProcess.run(env(), "reconcile");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().strip()).isEqualTo("{\"candidates\":2,\"queued\":1,\"requeued_from_dlq\":0}");
    assertThat(queue.job("21")).containsEntry("source", "reconciler");
  }

  @Test
  void an_unreachable_redis_is_reported_with_its_own_exit_code() throws Exception {
    Map<String, String> env = env();
    env.put("REDIS_URL", "redis://127.0.0.1:1");
    CliProcess.Result result = CliProcess.run(env, "stats");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.stderr()).contains("Redis unreachable at 127.0.0.1:1 (REDIS_URL)");
  }
}
