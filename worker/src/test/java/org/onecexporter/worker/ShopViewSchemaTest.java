package org.onecexporter.worker;

import org.onecexporter.console.DlqEntries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.db.Database;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.export.Sleeper;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.HttpOneCClient;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.TestDatabase;

/**
 * The README's "When your shop's tables look different": its SQL block, run as written (only the schema names
 * changed so the test has schemas of its own), over a shop's own tables; a worker exports an order through the
 * views. Without the block's INSTEAD OF UPDATE trigger every export fails on our side, and the job ends in the DLQ
 * as {@code infrastructure} once INFRA_RETRY_DELAYS run out, instead of being retried forever.
 *
 * <p>PostgreSQL only: the README block it runs is PostgreSQL's (schemas on the search path, views with a plpgsql
 * INSTEAD OF trigger); on MariaDB/MySQL a shop of another layout uses ORDER_SOURCE=sql and our ledger, tested in
 * ConfiguredSqlSourceTest.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class, EmulatorExtension.class})
class ShopViewSchemaTest {
  private static final List<Duration> SCHEDULE = List.of(Duration.ofMillis(200));
  private static final List<Duration> INFRA_DELAYS = List.of(Duration.ofMillis(200), Duration.ofMillis(400));
  private final TestDatabase db;
  private final JobQueue queue;
  private final EmulatorServer emulator;
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  ShopViewSchemaTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.queue = redis.queue();
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeLater.reversed()) {
      c.close();
    }
    closeLater.clear();
  }

  /** The README's SQL block after "When your shop's tables look different". */
  static String readmeSql(String readme) throws IOException {
    String text = Files.readString(Path.of("..", readme));
    Matcher m = Pattern.compile("```sql\n(CREATE SCHEMA onec;.*?)```", Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as("the view example in " + readme).isTrue();
    return m.group(1);
  }

  private static String withoutComments(String sql) {
    return sql.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void the_russian_readme_has_the_same_sql() throws IOException {
    assertThat(withoutComments(readmeSql("README.ru.md"))).isEqualTo(withoutComments(readmeSql("README.md")));
  }

  /** The shop's own tables (public.* in the README), the README's block over them, and a Jdbi on its path. */
  private Jdbi shopSchema(String name, boolean withTrigger) throws IOException {
    String shop = db.schema() + "_" + name + "_shop";
    String onec = db.schema() + "_" + name + "_onec";
    db.jdbi().useHandle(h -> {
      h.execute("DROP SCHEMA IF EXISTS " + shop + " CASCADE");
      h.execute("DROP SCHEMA IF EXISTS " + onec + " CASCADE");
      h.execute("CREATE SCHEMA " + shop);
      h.execute("CREATE TABLE " + shop + ".customers (id BIGINT PRIMARY KEY, full_name TEXT, phone TEXT)");
      h.execute("CREATE TABLE " + shop + ".shop_orders (order_no BIGINT PRIMARY KEY, state TEXT NOT NULL,"
          + " customer_id BIGINT REFERENCES " + shop + ".customers, ship_to TEXT, shipping NUMERIC(14,2),"
          + " paid_on TIMESTAMPTZ, grand_total NUMERIC(14,2),"
          + " invoice_exported_to_1c BOOLEAN NOT NULL DEFAULT FALSE, invoice_number TEXT UNIQUE,"
          + " invoice_exported_at TIMESTAMPTZ, onec_document_id TEXT, onec_document_number TEXT)");
      h.execute("CREATE TABLE " + shop + ".shop_order_lines (order_no BIGINT REFERENCES " + shop + ".shop_orders,"
          + " position INT, sku TEXT, title TEXT, qty NUMERIC(15,3), unit_price NUMERIC(14,2),"
          + " PRIMARY KEY (order_no, position))");
      String sql = readmeSql("README.md").replaceAll("\\bpublic\\.", shop + ".").replaceAll("\\bonec\\b", onec);
      h.createScript(sql).execute();
      if (!withTrigger) {
        h.execute("DROP TRIGGER orders_update ON " + onec + ".orders");
      }
      h.execute("INSERT INTO " + shop + ".customers VALUES (7, 'Иван Иванов', '8 (999) 123-45-67')");
      h.execute("INSERT INTO " + shop + ".shop_orders (order_no, state, customer_id, ship_to, shipping, paid_on,"
          + " grand_total) VALUES (501, 'paid', 7, 'Москва, ул. Ленина, 1', 500, now(), 245168)");
      h.execute("INSERT INTO " + shop + ".shop_order_lines VALUES (501, 1, 'ФР-00000044', 'Варочная панель', 2,"
          + " 122334)");
    });
    String url = db.config().jdbcUrl().replace("currentSchema=" + db.schema(), "currentSchema=" + onec + "," + shop);
    Database database = new Database(new DatabaseConfig(url, db.config().user(), db.config().password()), 4);
    closeLater.add(database);
    return database.jdbi();
  }

  private void startWorker(Jdbi jdbi) {
    WorkerConfig config = WorkerConfig.builder("view-worker", queue.keys())
        .concurrency(2)
        .lease(Duration.ofSeconds(2))
        .circuitFailures(3)
        .circuitOpen(Duration.ofMillis(1500))
        .reconcileInterval(Duration.ofHours(1))
        .reconcileMinAge(Duration.ZERO)
        .shutdownGrace(Duration.ofSeconds(5))
        .build().toBuilder()
        .infraRetryDelays(INFRA_DELAYS).build();
    OneCConfig oneC = Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(2), SCHEDULE);
    PermitGatedClient client = new PermitGatedClient(new HttpOneCClient(oneC, 4), queue, 4, oneC.timeout(),
        PermitGatedClient.MAX_PERMIT_WAIT, new java.util.concurrent.atomic.AtomicInteger());
    OneCExporter exporter = new OneCExporter(jdbi, client, new InvoiceBuilder(ZoneId.of("Europe/Moscow")),
        new RetrySchedule(SCHEDULE), Sleeper.REAL, Clock.systemUTC(), new PiiMasker(true), oneC.timeout());
    closeLater.add(new Worker(config, queue, exporter, null).start());
  }

  @Test
  void a_worker_exports_an_order_through_the_readme_views() throws IOException {
    Jdbi jdbi = shopSchema("ok", true);
    startWorker(jdbi);
    queue.enqueue("501", "test");

    await().atMost(Duration.ofSeconds(20)).until(() -> jdbi.withHandle(h -> h.createQuery(
        "SELECT invoice_exported_to_1c FROM shop_orders WHERE order_no = 501").mapTo(Boolean.class).one()));
    String number = jdbi.withHandle(h -> h.createQuery("SELECT invoice_number FROM shop_orders WHERE order_no = 501")
        .mapTo(String.class).one());
    assertThat(emulator.invoices()).hasSize(1);
    assertThat(number).startsWith("INV-");
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void without_the_trigger_the_job_ends_in_the_dlq_as_infrastructure_after_the_schedule() throws IOException {
    Jdbi jdbi = shopSchema("notrigger", false);
    startWorker(jdbi);
    long started = System.nanoTime();
    queue.enqueue("501", "test");

    await().atMost(Duration.ofSeconds(20)).until(() -> queue.stats().dlq() == 1);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    JsonNode entry = DlqEntries.read(queue, 1).get(0);
    assertThat(entry.get("reason").asText()).isEqualTo("infrastructure");
    assertThat(entry.get("last_error").asText()).contains("cannot update view");
    assertThat(entry.get("infra_failures").asInt()).as("retried once per delay, then dead-lettered")
        .isEqualTo(INFRA_DELAYS.size());
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    assertThat(emulator.received()).as("1C was never called").isEmpty();
  }
}
