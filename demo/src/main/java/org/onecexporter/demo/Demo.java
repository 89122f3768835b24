package org.onecexporter.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.console.ConsoleRuntime;
import org.onecexporter.db.Database;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.emulator.Fault;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.enqueuer.service.EnqueuerHttpServer;
import org.onecexporter.console.DlqEntries;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.admin.QueueStats;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.queue.RedisConnections;
import org.redisson.api.RedissonClient;

/**
 * One run of the demo. Roles and processes: the two workers are processes of their own (started in parallel, the
 * same {@code onec-exporter worker} command an operator runs, so that two processes really compete for the queue
 * and share 1C's circuit through Redis); the 1C emulator, the enqueuer HTTP service and the console run in this
 * JVM on their own ports (the same server classes their own commands start); so do the schema migration, the
 * inserts of the shop's orders and the reading of the results. One batch is enqueued by the {@code onec-exporter
 * enqueue} command, a process of its own, as an operator would.
 */
final class Demo implements AutoCloseable {
  /** A part of the demo did not start or did not finish; the message says which and where to look. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  private static final String ONEC_USER = EmulatorConfig.DEFAULT_USERNAME;
  private static final String ONEC_PASSWORD = EmulatorConfig.DEFAULT_PASSWORD;

  private final DemoOptions options;
  private final Map<String, String> env;
  private final Path logDir;
  private final PrintStream out;
  private final long started = System.nanoTime();
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, Double> phases = new java.util.LinkedHashMap<>();
  private long phaseStart = System.nanoTime();

  Demo(DemoOptions options, Map<String, String> env, Path logDir, PrintStream out) {
    this.options = options;
    this.env = env;
    this.logDir = logDir;
    this.out = out;
    Runtime.getRuntime().addShutdownHook(new Thread(this::killProcesses, "demo-children"));
  }

  int run() throws Exception {
    Files.createDirectories(logDir);
    int orders = options.orders();

    step("PostgreSQL, Redis and the 1C emulator");
    CompletableFuture<Servers.Postgres> pgStart = CompletableFuture.supplyAsync(() -> unchecked(
        () -> Servers.postgres(options.embedded(), env, logDir)));
    CompletableFuture<Servers.Redis> redisStart = CompletableFuture.supplyAsync(() -> unchecked(
        () -> Servers.redis(options.embedded(), env)));
    Map<String, String> emulatorEnv = Map.of("EMULATOR_PORT", Integer.toString(options.emulatorPort()),
        "EMULATOR_USERNAME", ONEC_USER, "EMULATOR_PASSWORD", ONEC_PASSWORD, "EMULATOR_LATENCY_MS", "30");
    EmulatorServer emulator;
    try {
      emulator = new EmulatorServer(EmulatorConfig.fromEnv(emulatorEnv)).start();
    } catch (IOException e) {
      throw new Failure("the 1C emulator cannot listen on 127.0.0.1:" + options.emulatorPort() + " (" + e.getMessage()
          + "); set DEMO_EMULATOR_PORT to a free port");
    }
    toClose.push(emulator);
    Servers.Postgres pg = awaitServer(pgStart, "PostgreSQL");
    toClose.push(pg.stop());
    Servers.Redis redisServer = awaitServer(redisStart, "Redis");
    toClose.push(redisServer.stop());
    out.println("  PostgreSQL: " + pg.where());
    out.println("  Redis:      " + redisServer.where());
    out.println("  1C emulator: " + emulator.baseUrl() + " (user " + ONEC_USER + ")");
    phase("servers");

    Map<String, String> shared = new HashMap<>(env);
    shared.put("DATABASE_URL", pg.inSchema(options.schema()));
    shared.put("DATABASE_USER", pg.user());
    shared.put("DATABASE_PASSWORD", pg.password());
    shared.put("REDIS_URL", redisServer.url());
    shared.put("QUEUE_PREFIX", options.prefix());
    shared.put("ONEC_BASE_URL", emulator.baseUrl());
    shared.put("ONEC_USERNAME", ONEC_USER);
    shared.put("ONEC_PASSWORD", ONEC_PASSWORD);
    shared.put("LOG_DIR", logDir.toString());
    shared.put("LEASE_SECONDS", "10");
    shared.put("CIRCUIT_OPEN_SECONDS", "3");
    // The demo pays every order through the queue itself: the reconciler must not race it to orders it has not
    // enqueued yet.
    shared.put("RECONCILE_MIN_AGE_SECONDS", "600");
    Env sharedEnv = new Env(shared);

    step("Fresh schema " + options.schema() + ", migrated; queue prefix " + options.prefix() + " emptied");
    DatabaseConfig db = DatabaseConfig.fromEnv(sharedEnv);
    freshSchema(db);
    Database database = new Database(db, 4);
    toClose.push(database);
    var migrated = database.migrate();
    out.println("  schema at version " + (migrated.targetSchemaVersion == null ? migrated.initialSchemaVersion
        : migrated.targetSchemaVersion) + " (" + migrated.migrationsExecuted + " migration(s) applied)");
    RedissonClient redis = RedisConnections.create(shared, 4);
    toClose.push(redis::shutdown);
    long deleted = redis.getKeys().deleteByPattern(options.prefix() + "*");
    if (deleted > 0) {
      out.println("  " + deleted + " key(s) of an earlier run deleted");
    }
    JobQueue queue = new JobQueue(redis, new QueueKeys(options.prefix()));
    phase("schema");

    step("Starting two workers (:" + options.workerPorts().get(0) + ", :" + options.workerPorts().get(1)
        + "), the enqueuer (:" + options.enqueuerPort() + ") and the console (:" + options.consolePort() + ")");
    for (int i = 0; i < 2; i++) {
      Map<String, String> workerEnv = new HashMap<>(shared);
      workerEnv.put("WORKER_ID", "demo-worker-" + (i + 1));
      workerEnv.put("WORKER_HTTP_PORT", Integer.toString(options.workerPorts().get(i)));
      processes.add(startCli(workerEnv, logDir.resolve("demo-worker-" + (i + 1) + ".out"), "worker"));
    }
    String token = "demo-" + DemoOptions.randomHex(12);
    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    // The enqueuer service's own metrics, as its main class records them.
    var meters = new org.onecexporter.ops.EnqueueMeters(registry, java.util.Arrays.stream(
        org.onecexporter.enqueuer.EnqueueStatus.values()).map(Enum::name).toList());
    InvoiceEnqueuer enqueuer = InvoiceEnqueuer.fromEnv(shared, (status, nanos) -> meters.record(status.name(), nanos));
    toClose.push(enqueuer);
    EnqueuerHttpServer enqueuerServer;
    try {
      enqueuerServer = EnqueuerHttpServer.start(enqueuer, token, "127.0.0.1", options.enqueuerPort(), registry);
    } catch (IOException e) {
      throw new Failure("the enqueuer cannot listen on 127.0.0.1:" + options.enqueuerPort() + " (" + e.getMessage()
          + "); set DEMO_ENQUEUER_PORT to a free port");
    }
    toClose.push(enqueuerServer);
    Map<String, String> consoleEnv = new HashMap<>(shared);
    consoleEnv.put("CONSOLE_PORT", Integer.toString(options.consolePort()));
    consoleEnv.put("CONSOLE_HOST", "127.0.0.1");
    consoleEnv.put("CONSOLE_PASSWORD", options.consolePassword());
    consoleEnv.put("CONSOLE_OPS_PORT", "0");
    ConsoleRuntime console;
    try {
      console = ConsoleRuntime.fromEnv(new Env(consoleEnv));
    } catch (IOException e) {
      throw new Failure("the console cannot listen on 127.0.0.1:" + options.consolePort() + " (" + e.getMessage()
          + "); set DEMO_CONSOLE_PORT to a free port");
    }
    toClose.push(console);

    step("The shop records " + orders + " orders: most paid, a few with bad data, one unpaid");
    recordOrders(db, orders);
    out.println("  orders 1–" + orders + " in " + options.schema() + ".orders; bad data in 7 (a phone that is not"
        + " one), 13 (no items), 21 (a negative price); 30 is not paid");
    for (int i = 0; i < 2; i++) {
      int port = options.workerPorts().get(i);
      if (!waitHttp("http://127.0.0.1:" + port + "/health/ready", processes.get(i), Duration.ofSeconds(90))) {
        throw new Failure("worker " + (i + 1) + " did not become ready on :" + port + ", see "
            + logDir.resolve("demo-worker-" + (i + 1) + ".out"));
      }
    }
    out.println("  both workers ready");
    phase("start");

    step("Payments arrive: HTTP enqueues (and one batch from the CLI); a 1C update locks sessions for 4 s");
    int half = orders / 2;
    // The CLI's JVM starts while the HTTP enqueues run (a JVM's start is most of the command's time).
    List<String> batch = new ArrayList<>(List.of("enqueue"));
    for (int id = orders - 9; id <= orders; id++) {
      batch.add(Integer.toString(id));
    }
    Process cli = startCli(shared, logDir.resolve("demo-enqueue.out"), batch.toArray(String[]::new));
    for (int id = 1; id <= half; id++) {
      enqueueByHttp(token, id);
    }
    emulator.faults().probabilities(Map.of(Fault.LOCKED_403, 1.0));
    long locked = System.nanoTime();
    out.println("  1C locks its sessions for an update («Начало сеанса с информационной базой запрещено»)");
    for (int id = half + 1; id <= orders - 10; id++) {
      enqueueByHttp(token, id);
    }
    if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
      throw new Failure("'onec-exporter enqueue' failed, see " + logDir.resolve("demo-enqueue.out"));
    }
    out.println("  orders 1–" + (orders - 10) + " through POST /v1/orders/{id}/invoice-export, "
        + (orders - 9) + "–" + orders + " through 'onec-exporter enqueue'");
    long lockedFor = Duration.ofNanos(System.nanoTime() - locked).toMillis();
    if (lockedFor < 4000) {
      Thread.sleep(4000 - lockedFor);
    }
    emulator.faults().clear();
    out.println("1C is back.");
    phase("payments");

    step("Progress");
    QueueStats.Stats stats = queue.stats();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    String last = "";
    long lastPrinted = 0;
    while (true) {
      stats = queue.stats();
      String line = String.format("ready %d  delayed %d  active %d  dlq %d  exported %d  retried %d",
          stats.ready(), stats.delayed(), stats.active(), stats.dlq(), counter(stats, "exported"),
          counter(stats, "retried"));
      boolean done = stats.ready() + stats.delayed() + stats.active() == 0;
      if (options.interactive()) {
        out.print("\r  " + line + "   ");
      } else if (!line.equals(last) && (done || System.nanoTime() - lastPrinted > 2_000_000_000L)) {
        out.println("  " + line);
        last = line;
        lastPrinted = System.nanoTime();
      }
      if (done) {
        break;
      }
      if (System.nanoTime() > deadline) {
        out.println();
        throw new Failure("the queue did not empty within 120 s (" + line + "); see the workers' output in "
            + logDir);
      }
      Thread.sleep(500);
    }
    if (options.interactive()) {
      out.println();
    }
    phase("exports");

    step("A refund: the customer gets the money back, the invoice in 1C is marked for deletion");
    long refunded = database.jdbi().withHandle(h -> h.createQuery(
        "SELECT min(id) FROM orders WHERE invoice_exported_to_1c").mapTo(Long.class).one());
    String refundedInvoice = database.jdbi().withHandle(h -> h.createQuery(
        "SELECT invoice_number FROM orders WHERE id = :id").bind("id", refunded).mapTo(String.class).one());
    // The shop records the refund, then its payment processor asks for the cancellation (after the commit).
    database.jdbi().useHandle(h -> h.createUpdate("UPDATE orders SET status = 'refunded' WHERE id = :id")
        .bind("id", refunded).execute());
    enqueueByHttp(token, (int) refunded, "invoice-cancel");
    out.println("  order " + refunded + " refunded in the shop; POST /v1/orders/" + refunded + "/invoice-cancel");
    long cancelDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String answer = null;
    while (answer == null && System.nanoTime() < cancelDeadline) {
      answer = database.jdbi().withHandle(h -> h.createQuery("""
              SELECT invoice_cancel_answer FROM onec_exporter_ledger
               WHERE order_id = :id AND invoice_cancelled_at IS NOT NULL""")
          .bind("id", refunded).mapTo(String.class).findOne().orElse(null));
      if (answer == null) {
        Thread.sleep(200);
      }
    }
    boolean marked = emulator.deletionMarked(refundedInvoice);
    long cancelCalls = emulator.received().stream()
        .filter(r -> r.operation() == EmulatorServer.Operation.CANCEL).count();
    out.printf("  invoice %s: 1C answered %s; marked for deletion in 1C: %s; calls to cancel: %d%n", refundedInvoice,
        answer == null ? "nothing within 60 s" : answer, marked ? "yes" : "no", cancelCalls);
    out.println("  its whole life: ops/onec-exporter status " + refunded + "   (or the console's order page)");
    phase("refund");

    step("Summary");
    stats = queue.stats(); // after the refund: the progress loop's figures are from before it
    long exported = database.jdbi().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM orders WHERE invoice_exported_to_1c").mapTo(Long.class).one());
    int inOneC = emulator.invoices().size();
    QueueStats.Timings t = queue.queueStats().timings(Duration.ofMinutes(15));
    out.printf("  orders: %d; exported (flag set in PostgreSQL): %d; invoices in 1C: %d%n", orders, exported, inOneC);
    out.printf("  retried: %d; circuit opened: %d time(s); in the DLQ: %d%n", counter(stats, "retried"),
        counter(stats, "circuit_open"), stats.dlq());
    out.printf("  queued → exported: P50 %s ms, P95 %s ms, P99 %s ms (%d exports)%n", ms(t.jobP50()),
        ms(t.jobP95()), ms(t.jobP99()), t.count());
    out.printf("  1C call:           P50 %s ms, P95 %s ms, P99 %s ms%n", ms(t.callP50()), ms(t.callP95()),
        ms(t.callP99()));
    out.println("  DLQ, and why:");
    List<JsonNode> dlq = DlqEntries.read(queue, 100);
    for (JsonNode entry : dlq) {
      String error = entry.path("last_error").asText("");
      out.printf("    order %4s  %-10s %s%n", entry.path("order_id").asText(), entry.path("reason").asText(),
          error.length() > 110 ? error.substring(0, 110) : error);
    }
    phase("summary");

    step("Where to look next");
    out.println("  the operations console:    http://127.0.0.1:" + options.consolePort() + "/   user operator,"
        + " password " + options.consolePassword());
    out.println("                             (where is order N's invoice? the DLQ with its requeue buttons;"
        + " only while the demo runs)");
    out.println("  invoices in the emulator:  " + "http://127.0.0.1:" + options.emulatorPort()
        + "/_emulator/invoices   (user " + ONEC_USER + ", password " + ONEC_PASSWORD + "; only while the demo runs)");
    out.println("  JSON log:                  " + logDir.resolve("1c_exporter.log"));
    out.println("  metrics of a worker:       http://127.0.0.1:" + options.workerPorts().get(0)
        + "/metrics   (only while the demo runs; the counters are this worker's own, the fleet's totals are"
        + " in the summary above)");
    for (String line : get("http://127.0.0.1:" + options.workerPorts().get(0) + "/metrics").lines().toList()) {
      // The counters only: the queue gauges are read from Redis every 5 s, and a demo that has just drained would
      // show the figures of the run's middle; the summary above has the queue as it is now.
      if (line.startsWith("onec_exports_total")) {
        out.println("    " + line);
      }
    }
    if (pg.where().startsWith("embedded")) {
      out.println("  PostgreSQL (embedded):     " + pg.inSchema(options.schema()) + "   user postgres"
          + "   (only while the demo runs)");
    } else {
      out.println("  orders:                    SELECT id, status, invoice_number, invoice_exported_to_1c FROM "
          + options.schema() + ".orders ORDER BY id   (in " + pg.where() + ")");
      out.println("  the DLQ after the demo:    REDIS_URL=" + redisServer.url() + " QUEUE_PREFIX='" + options.prefix()
          + "' ops/onec-exporter dlq list");
    }
    Path log = logDir.resolve("1c_exporter.log");
    String logText = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    boolean leaked = logText.contains(ONEC_PASSWORD);
    if (leaked) {
      out.println("WARNING: the 1C password is in the log");
    } else {
      out.println("  The 1C password never reached the log; customer names, phones and addresses are masked.");
    }
    phase("look");

    List<String> problems = new ArrayList<>();
    if (!marked || cancelCalls != 1) {
      problems.add("the refunded order " + refunded + "'s invoice " + refundedInvoice + " is "
          + (marked ? "" : "not ") + "marked in 1C after " + cancelCalls + " cancel call(s)");
    }
    if (exported != inOneC) {
      problems.add(exported + " order(s) flagged exported but " + inOneC + " invoice(s) in 1C");
    }
    if (exported + stats.dlq() != orders) {
      problems.add(exported + " exported + " + stats.dlq() + " in the DLQ is not the " + orders + " orders");
    }
    if (leaked) {
      problems.add("the 1C password is in " + log);
    }
    out.println();
    out.printf("Took %.1f s (%s).%n", seconds(started), phaseLine());
    if (!problems.isEmpty()) {
      throw new Failure("the summary does not add up: " + String.join("; ", problems));
    }
    out.println("OK: every paid order with good data has exactly one invoice in 1C; the others are in the DLQ"
        + " with their reason; the refunded order's invoice is marked for deletion, by one call.");
    if (options.interactive()) {
      out.printf("%n\033[1mThe console stays up at http://127.0.0.1:%d/ (operator / %s). Press Enter to stop"
          + " everything.\033[0m%n", options.consolePort(), options.consolePassword());
      System.in.read();
    }
    return 0;
  }

  private void step(String title) {
    out.printf("%n\033[1m== %s\033[0m%n", title);
  }

  private void phase(String name) {
    phases.put(name, seconds(phaseStart));
    phaseStart = System.nanoTime();
  }

  private String phaseLine() {
    StringBuilder line = new StringBuilder();
    phases.forEach((name, secs) -> line.append(line.isEmpty() ? "" : ", ").append(name)
        .append(String.format(" %.1f s", secs)));
    return line.toString();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long counter(QueueStats.Stats stats, String name) {
    return stats.counters().getOrDefault(name, 0L);
  }

  private static String ms(Optional<Duration> value) {
    return value.map(d -> Long.toString(d.toMillis())).orElse("–");
  }

  private <T> T awaitServer(CompletableFuture<T> start, String what) {
    try {
      return start.get(180, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      if (cause instanceof IllegalArgumentException) {
        throw new Failure(cause.getMessage());
      }
      throw new Failure(what + " did not start: " + cause + " (the embedded server's output is in " + logDir
          + "; DATABASE_URL/REDIS_URL point the demo at servers of yours)");
    } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
      throw new Failure(what + " did not start within 180 s");
    }
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T unchecked(IoSupplier<T> supplier) {
    try {
      return supplier.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void freshSchema(DatabaseConfig db) throws java.sql.SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + options.schema() + " CASCADE");
      s.execute("CREATE SCHEMA " + options.schema());
    }
  }

  private static Connection connect(DatabaseConfig db) throws java.sql.SQLException {
    Properties props = new Properties();
    if (!db.user().isEmpty()) {
      props.setProperty("user", db.user());
    }
    if (!db.password().isEmpty()) {
      props.setProperty("password", db.password());
    }
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(db.jdbcUrl(), props);
  }

  /** The shop's orders: Cyrillic names and articuls, three phone formats, fractional quantities, bad data. */
  private void recordOrders(DatabaseConfig db, int orders) throws java.sql.SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("""
          WITH names(n) AS (SELECT unnest(ARRAY['Иван Иванов','Мария Соколова','Пётр Смирнов','Анна Кузнецова',
                 'Ольга Попова','Дмитрий Васильев','Екатерина Новикова','Алексей Фёдоров','ООО «Ромашка»','ИП Лебедев']))
          INSERT INTO orders (id, status, customer_name, customer_phone, customer_address, delivery_cost, paid_at)
          SELECT g, 'paid', (SELECT n FROM names OFFSET g % 10 LIMIT 1),
                 CASE g % 3 WHEN 0 THEN '8 (9' || lpad((g % 100)::text, 2, '0') || ') 123-45-67'
                            WHEN 1 THEN '+7 912 ' || lpad(g::text, 3, '0') || '-11-22'
                            ELSE '7' || (9160000000 + g)::text END,
                 'Москва, ул. Ленина, д. ' || g, (ARRAY[0, 300, 500, 1250.50])[1 + g % 4], now() - interval '1 minute'
            FROM generate_series(1, {ORDERS}) g;
          INSERT INTO order_items (order_id, line_no, articul, name, quantity, price)
          SELECT g, 1, 'ФР-' || lpad(g::text, 8, '0'), 'Варочная панель', 1 + g % 3, 12990 + g
            FROM generate_series(1, {ORDERS}) g;
          INSERT INTO order_items (order_id, line_no, articul, name, quantity, price)
          SELECT g, 2, 'КБ-2.5', 'Кабель ВВГнг 3×2,5 (м)', 1.5 + (g % 4) * 0.25, 10.10
            FROM generate_series(1, {ORDERS}, 2) g;
          UPDATE orders SET customer_phone = 'звоните в офис' WHERE id = 7;
          DELETE FROM order_items WHERE order_id = 13;
          UPDATE order_items SET price = -5 WHERE order_id = 21 AND line_no = 1;
          UPDATE orders SET status = 'new', paid_at = NULL WHERE id = 30;
          """.replace("{ORDERS}", Integer.toString(orders)));
      c.commit();
    }
  }

  /**
   * POST /v1/orders/{id}/invoice-export, as a payment processor sends it. Enqueueing is idempotent, so a timeout or
   * a 503 (Redis slow on a busy machine) is sent again, up to three times in all.
   */
  private void enqueueByHttp(String token, int id) throws IOException, InterruptedException {
    enqueueByHttp(token, id, "invoice-export");
  }

  /** {@code what}: {@code invoice-export}, or {@code invoice-cancel} after a refund. */
  private void enqueueByHttp(String token, int id, String what) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + options.enqueuerPort()
            + "/v1/orders/" + id + "/" + what))
        .header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    String last = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 202 || response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() != 503) {
          break;
        }
      } catch (java.net.http.HttpTimeoutException e) {
        last = "no answer within 10 s";
      }
      Thread.sleep(200);
    }
    throw new Failure("the enqueuer did not queue order " + id + ": " + last);
  }

  private String get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private boolean waitHttp(String url, Process process, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    return false;
  }

  /**
   * The operator's command ({@code ops/onec-exporter}'s main class) in a JVM of its own, on this JVM's classpath,
   * with the given environment; its output goes to a file in LOG_DIR.
   */
  private Process startCli(Map<String, String> processEnv, Path output, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String cds = System.getProperty("demo.cds.dir");
    if (cds != null) {
      // A class-data archive per role, made by the first run and used by the next ones: a JVM starts faster when
      // its classes come mapped from it (ops/demo sets the directory, demo/target/cds).
      command.add("-XX:+AutoCreateSharedArchive");
      command.add("-XX:SharedArchiveFile=" + Path.of(cds, output.getFileName().toString().replace(".out", ".jsa")));
      command.add("-Xlog:cds*=off");
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.onecexporter.cli.OnecExporterCli");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(processEnv);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null").exists()
        ? new java.io.File("/dev/null") : new java.io.File("NUL")));
    return builder.start();
  }

  /** SIGTERM to each worker (a graceful stop), then a kill for any still running after 15 s. */
  private void stopProcesses() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  private void killProcesses() {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    stopProcesses();
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        // stopping what is left matters more than one part's error on the way out
      }
    }
  }
}
