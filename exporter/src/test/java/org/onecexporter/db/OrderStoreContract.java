package org.onecexporter.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onecexporter.domain.Order;
import org.onecexporter.testing.TestDatabase;

/**
 * The promises of {@link OrderStore}, the same on every database: each subclass runs this suite against one real
 * server (each test class in a schema or database of its own). As JobRunr's AbstractStorageProviderTest: a new
 * store implementation is done when its subclass of this passes.
 */
abstract class OrderStoreContract {
  private static final String NAME = "Иван Иванов";
  private static final String PHONE = "8 (999) 123-45-67";

  /* Orders whose export lock a test takes. */
  private static final long L7 = 7_700_000_007L;
  private static final long L8 = 7_700_000_008L;
  private static final long L9 = 7_700_000_009L;
  private static final long L10 = 7_700_000_010L;
  private static final long L11 = 7_700_000_011L;
  private static final long L12 = 7_700_000_012L;

  private final TestDatabase db;
  private OrderStore store;

  OrderStoreContract(TestDatabase db) {
    this.db = db;
  }

  @BeforeEach
  void cleanSlate() {
    db.jdbi().useHandle(h -> h.execute("ALTER TABLE orders DROP CONSTRAINT IF EXISTS no_number_for_ivan"));
    db.truncate();
    store = new SqlOrderStore(db.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
  }

  @Test
  void finds_an_order_with_its_lines_and_nothing_for_a_missing_one() {
    aPaidOrder(1).customer(NAME, PHONE, "Москва, ул. Ленина, 1").item("A-2", "Лампа", "1.5", "99.90")
        .insert(db.jdbi());
    try (OrderStore.Session s = store.open()) {
      Order order = s.find(1).orElseThrow();
      assertThat(order.status()).isEqualTo("paid");
      assertThat(order.customerName()).isEqualTo(NAME);
      assertThat(order.paidAt()).isEqualTo(Instant.parse("2026-02-13T09:00:00Z"));
      assertThat(order.deliveryCost()).isEqualByComparingTo("500");
      assertThat(order.items()).extracting(i -> i.lineNo() + " " + i.articul() + " " + i.quantity().stripTrailingZeros()
          .toPlainString() + " x " + i.price().stripTrailingZeros().toPlainString())
          .containsExactly("1 ФР-00000044 2 x 122334", "2 A-2 1.5 x 99.9");
      assertThat(order.invoiceExported()).isFalse();
      assertThat(order.invoiceNumber()).isNull();
      assertThat(s.find(2)).isEmpty();
    }
  }

  @Test
  void an_invoice_number_is_fixed_once_and_numbers_follow_the_years_sequence() {
    aPaidOrder(1).insert(db.jdbi());
    aPaidOrder(2).insert(db.jdbi());
    aPaidOrder(3).insert(db.jdbi());
    aPaidOrder(4).invoiceNumber(num(3)).insert(db.jdbi()); // written by hand by the shop
    try (OrderStore.Session s = store.open()) {
      assertThat(s.assignInvoiceNumber(1, 2026)).isEqualTo(num(1));
      assertThat(s.assignInvoiceNumber(1, 2026)).as("again").isEqualTo(num(1));
      assertThat(s.assignInvoiceNumber(2, 2026)).isEqualTo(num(2));
      assertThat(s.assignInvoiceNumber(3, 2026)).as("skips the hand-written one").isEqualTo(num(4));
      assertThat(s.find(3).orElseThrow().invoiceNumber()).isEqualTo(num(4));
    }
  }

  @Test
  void numbers_past_999_keep_every_digit_and_a_taken_one_is_skipped() {
    aPaidOrder(1).insert(db.jdbi());
    aPaidOrder(2).insert(db.jdbi());
    aPaidOrder(3).invoiceNumber("INV-2026-1000").insert(db.jdbi()); // written by hand by the shop
    db.jdbi().useHandle(h -> h.execute("INSERT INTO invoice_number_counters (year, last_value) VALUES (2026, 998)"));
    try (OrderStore.Session s = store.open()) {
      assertThat(s.assignInvoiceNumber(1, 2026)).isEqualTo("INV-2026-999");
      assertThat(s.assignInvoiceNumber(2, 2026)).as("skips the hand-written one").isEqualTo("INV-2026-1001");
      assertThat(s.find(2).orElseThrow().invoiceNumber()).isEqualTo("INV-2026-1001");
    }
  }

  @Test
  void concurrent_exports_agree_on_one_number_per_order_and_never_share_one() throws Exception {
    int orders = 30;
    for (long id = 1; id <= orders; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String[]>> results = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (long id = 1; id <= orders; id++) {
          long orderId = id;
          results.add(pool.submit(() -> {
            start.await();
            try (OrderStore.Session s = store.open()) {
              return new String[] {Long.toString(orderId), s.assignInvoiceNumber(orderId, 2026)};
            }
          }));
        }
      }
      start.countDown();
      java.util.Map<String, String> numberOf = new java.util.HashMap<>();
      for (Future<String[]> f : results) {
        String[] r = f.get(60, TimeUnit.SECONDS);
        String before = numberOf.putIfAbsent(r[0], r[1]);
        assertThat(before == null || before.equals(r[1])).as("order %s got %s and %s", r[0], before, r[1]).isTrue();
      }
      assertThat(new HashSet<>(numberOf.values())).hasSize(orders);
      Set<String> expected = new HashSet<>();
      for (int n = 1; n <= orders; n++) {
        expected.add(num(n));
      }
      assertThat(new HashSet<>(numberOf.values())).isEqualTo(expected);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void the_export_lock_is_held_by_one_session_and_a_waiter_gives_up_after_its_timeout() throws Exception {
    aPaidOrder(L7).insert(db.jdbi());
    try (OrderStore.Session a = store.open(); OrderStore.Session b = store.open()) {
      a.lock(L7, Duration.ofSeconds(5), Duration.ZERO);
      long started = System.nanoTime();
      assertThatThrownBy(() -> b.lock(L7, Duration.ofMillis(1500), Duration.ZERO))
          .isInstanceOf(OrderStore.StoreException.class)
          .hasMessageStartingWith("locking the order failed");
      long waited = (System.nanoTime() - started) / 1_000_000;
      assertThat(waited).isBetween(1000L, 6000L);
      // another order is not blocked by it
      b.lock(L8, Duration.ofSeconds(1), Duration.ZERO);
      b.unlock(L8);
      a.unlock(L7);
      b.lock(L7, Duration.ofSeconds(1), Duration.ZERO);
      b.unlock(L7);
    }
  }

  @Test
  void a_session_holds_no_connection_while_it_holds_the_lock() {
    aPaidOrder(L7).insert(db.jdbi());
    aPaidOrder(L8).insert(db.jdbi());
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    // One connection for two attempts: each borrows it only for its statements (issue 23).
    try (Database one = new Database(db.config(), 1)) {
      OrderStore small = new SqlOrderStore(one.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
      try (OrderStore.Session a = small.open(); OrderStore.Session b = small.open()) {
        a.lock(L7, Duration.ofSeconds(5), Duration.ZERO);
        assertThat(a.find(L7)).isPresent();
        // Read on the burst's own connection: a second one from a pool of 1 never comes (the attempts' deadlock).
        assertThat(a.cancellation(L7)).isNotNull();
        String first = a.assignInvoiceNumber(L7, 2026);
        a.idle(); // calling 1C: the connection goes back, the lock stays
        b.lock(L8, Duration.ofSeconds(5), Duration.ZERO);
        String second = b.assignInvoiceNumber(L8, 2026);
        b.idle();
        assertThatThrownBy(() -> {
          try (OrderStore.Session c = small.open()) {
            c.lock(L7, Duration.ofMillis(300), Duration.ZERO);
          }
        }).as("the lock is still a's").hasMessageStartingWith("locking the order failed");
        assertThat(((com.zaxxer.hikari.HikariDataSource) one.dataSource()).getHikariPoolMXBean()
            .getActiveConnections()).as("connections in use while both locks are held").isZero();
        a.markExported(L7, first, at, null, null);
        a.unlock(L7);
        a.idle();
        b.markExported(L8, second, at, null, null);
        b.unlock(L8);
        b.idle();
      }
    }
    assertThat(store.state(L7).orElseThrow().invoiceExported()).isTrue();
    assertThat(store.state(L8).orElseThrow().invoiceExported()).isTrue();
  }

  @Test
  void exports_of_one_order_run_one_after_the_other_and_agree_on_one_number() throws Exception {
    int orders = 6;
    for (long id = 1; id <= orders; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    java.util.Map<Long, java.util.concurrent.atomic.AtomicInteger> inside = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
    java.util.Map<Long, Set<String>> numbers = new java.util.concurrent.ConcurrentHashMap<>();
    // Three connections for eight threads: the lock does not need one of its own.
    try (Database three = new Database(db.config(), 3)) {
      OrderStore shared = new SqlOrderStore(three.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
          for (long id = 1; id <= orders; id++) {
            long orderId = id;
            done.add(pool.submit(() -> {
              start.await();
              try (OrderStore.Session s = shared.open()) {
                s.lock(orderId, Duration.ofSeconds(60), Duration.ZERO);
                if (inside.computeIfAbsent(orderId, k -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet() > 1) {
                  overlaps.incrementAndGet();
                }
                String number = s.assignInvoiceNumber(orderId, 2026);
                numbers.computeIfAbsent(orderId, k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(number);
                s.idle();
                Thread.sleep(5); // the call to 1C
                s.markExported(orderId, number, Instant.now().truncatedTo(ChronoUnit.MICROS), null, null);
                inside.get(orderId).decrementAndGet();
                s.unlock(orderId);
              }
              return null;
            }));
          }
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(overlaps.get()).as("two holders of one order's lock at once").isZero();
    assertThat(numbers).hasSize(orders);
    numbers.forEach((id, n) -> assertThat(n).as("numbers of order %d", id).hasSize(1));
    assertThat(numbers.values().stream().flatMap(Set::stream).distinct().count()).isEqualTo(orders);
  }

  @Test
  void a_lock_whose_holder_is_killed_lapses_and_another_session_takes_it() throws Exception {
    aPaidOrder(L9).insert(db.jdbi());
    Process holder = LockHolderProcess.start(db.config(), L9, Duration.ofSeconds(3));
    try {
      LockHolderProcess.awaitLocked(holder, Duration.ofSeconds(90));
      try (OrderStore.Session b = store.open()) {
        assertThatThrownBy(() -> b.lock(L9, Duration.ofMillis(500), Duration.ZERO))
            .as("held by the other process while it renews").hasMessageStartingWith("locking the order failed");
      }
      holder.destroyForcibly(); // kill -9: no unlock, no renewal any more
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long killedAt = System.nanoTime();
      try (OrderStore.Session b = store.open()) {
        b.lock(L9, Duration.ofSeconds(30), Duration.ZERO);
        long waited = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(waited).as("free within the lapse (3 s) and the poll").isLessThan(15_000L);
        b.unlock(L9);
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void a_holder_cut_off_from_the_database_loses_its_lock_and_writes_nothing_when_it_comes_back() throws Exception {
    aPaidOrder(L10).insert(db.jdbi());
    try (org.onecexporter.testing.FreezableProxy proxy = proxyToTheServer();
        Database viaProxy = databaseBehind(proxy)) {
      OrderStore cutOff = new SqlOrderStore(viaProxy.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
      OrderStore.Session a = cutOff.open();
      a.lock(L10, Duration.ofSeconds(5), Duration.ofSeconds(2));
      String number = a.assignInvoiceNumber(L10, 2026);
      a.idle();
      proxy.freeze(); // its renewals stop reaching the database, its connections stay open
      long frozenAt = System.nanoTime();
      try (OrderStore.Session b = store.open()) {
        b.lock(L10, Duration.ofSeconds(30), Duration.ZERO);
        assertThat((System.nanoTime() - frozenAt) / 1_000_000).as("taken after the lapse").isBetween(500L, 15_000L);
        proxy.thaw();
        assertThatThrownBy(() -> a.markExported(L10, number, Instant.now().truncatedTo(ChronoUnit.MICROS), "d",
            "1")).isInstanceOf(OrderStore.StoreException.class).hasMessageContaining("export lock was lost");
        assertThat(store.state(L10).orElseThrow().invoiceExported()).as("nothing written by the old holder").isFalse();
        assertThat(b.assignInvoiceNumber(L10, 2026)).as("one number for the order").isEqualTo(number);
        b.markExported(L10, number, Instant.now().truncatedTo(ChronoUnit.MICROS), "doc", "2");
        b.unlock(L10);
      } finally {
        a.close();
      }
    }
    assertThat(store.state(L10).orElseThrow().documentNumber()).isEqualTo("2");
  }

  /**
   * The hostage of a chaos run: an attempt ends while its database restarts, so
   * giving its lock back fails; once the database answers again nobody may go on renewing that lock, or the order
   * waits for its export forever. The lock must lapse as if its holder had died.
   */
  @Test
  void a_lock_that_could_not_be_given_back_while_the_database_was_away_lapses_once_it_is_back() throws Exception {
    aPaidOrder(L12).insert(db.jdbi());
    Duration lapse = Duration.ofMillis(1500);
    try (org.onecexporter.testing.FreezableProxy proxy = proxyToTheServer();
        Database viaProxy = databaseBehind(proxy)) {
      OrderStore cutOff = new SqlOrderStore(viaProxy.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
      OrderStore.Session a = cutOff.open();
      a.lock(L12, Duration.ofSeconds(5), lapse);
      a.idle();
      proxy.cut(); // the database restarts
      Thread.sleep(1_000); // the pool checks a connection idle this long before it lends it: it finds none alive
      a.close(); // the unlock gets no connection: it fails, and the session is over all the same
      proxy.restore();
      viaProxy.jdbi().withHandle(h -> h.execute("SELECT 1")); // the pool reconnected: so would any renewal left
      Thread.sleep(lapse.toMillis());
      try (OrderStore.Session b = store.open()) {
        long asked = System.nanoTime();
        b.lock(L12, Duration.ofSeconds(4 * lapse.toSeconds() + 4), Duration.ZERO);
        assertThat((System.nanoTime() - asked) / 1_000_000).as("free within the lapse, not renewed by a closed session")
            .isLessThan(lapse.toMillis() + 1_000L);
        b.unlock(L12);
      }
    }
  }

  /** A proxy in front of the test's database server, which a test can freeze or cut. */
  private org.onecexporter.testing.FreezableProxy proxyToTheServer() throws java.io.IOException {
    java.net.URI server = java.net.URI.create(db.config().jdbcUrl().substring("jdbc:".length()));
    return new org.onecexporter.testing.FreezableProxy(server.getHost(), serverPort());
  }

  /** A pool of two connections to the test's database through {@code proxy}. */
  private Database databaseBehind(org.onecexporter.testing.FreezableProxy proxy) {
    int port = serverPort();
    return new Database(new org.onecexporter.config.DatabaseConfig(
        db.config().jdbcUrl().replace(":" + port + "/", ":" + proxy.port() + "/"), db.config().user(),
        db.config().password()), 2);
  }

  private int serverPort() {
    java.net.URI server = java.net.URI.create(db.config().jdbcUrl().substring("jdbc:".length()));
    return server.getPort() == -1 ? (db.dialect() == Dialect.POSTGRESQL ? 5432 : 3306) : server.getPort();
  }

  @Test
  void a_row_lock_held_elsewhere_fails_the_number_within_the_lock_timeout() throws Exception {
    aPaidOrder(L11).insert(db.jdbi());
    try (Handle holder = db.jdbi().open(); OrderStore.Session s = store.open()) {
      holder.begin();
      holder.createQuery("SELECT id FROM orders WHERE id = " + L11 + " FOR UPDATE").mapTo(Long.class).one();
      s.lock(L11, Duration.ofSeconds(1), Duration.ZERO);
      long started = System.nanoTime();
      assertThatThrownBy(() -> s.assignInvoiceNumber(L11, 2026)).isInstanceOf(OrderStore.StoreException.class)
          .hasMessageStartingWith("assigning the invoice number failed");
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000L);
      holder.rollback();
      s.unlock(L11);
    }
  }

  @Test
  void the_flag_and_the_1c_document_are_recorded_only_for_the_number_that_was_exported() {
    aPaidOrder(12).insert(db.jdbi());
    Instant at = Instant.parse("2026-02-13T10:15:30.123456Z");
    try (OrderStore.Session s = store.open()) {
      String number = s.assignInvoiceNumber(12, 2026);
      assertThatThrownBy(() -> s.markExported(12, "INV-2026-999999", at, "doc", "1"))
          .hasMessageContaining("no longer carries invoice number INV-2026-999999");
      s.markExported(12, number, at, "b7f1-guid", "00000000042");
      Order order = s.find(12).orElseThrow();
      assertThat(order.invoiceExported()).isTrue();
      assertThat(order.invoiceExportedAt()).isEqualTo(at);
      s.markExported(12, number, at.plusSeconds(1), null, null); // a repeat keeps the document
    }
    String document = db.jdbi().withHandle(h -> h.createQuery(
        "SELECT onec_document_number FROM orders WHERE id = 12").mapTo(String.class).one());
    assertThat(document).isEqualTo("00000000042");
  }

  @Test
  void the_export_is_recorded_and_its_lock_given_back_in_one_transaction() {
    aPaidOrder(14).insert(db.jdbi());
    aPaidOrder(15).insert(db.jdbi());
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    try (OrderStore.Session a = store.open(); OrderStore.Session b = store.open()) {
      a.lock(14, Duration.ofSeconds(5), Duration.ofSeconds(30));
      a.markExportedAndUnlock(14, a.assignInvoiceNumber(14, 2026), at, "doc-14", "14");
      b.lock(14, Duration.ofMillis(300), Duration.ofSeconds(30)); // free at once
      assertThat(b.find(14).orElseThrow().invoiceExported()).isTrue();
      b.unlock(14);
      a.unlock(14); // nothing left to give back
      // A number the order no longer carries: nothing written, and the lock stays held until unlock.
      a.lock(15, Duration.ofSeconds(5), Duration.ofSeconds(30));
      a.assignInvoiceNumber(15, 2026);
      assertThatThrownBy(() -> a.markExportedAndUnlock(15, "INV-2026-999999", at, "doc", "1"))
          .isInstanceOf(OrderStore.StoreException.class);
      assertThatThrownBy(() -> b.lock(15, Duration.ofMillis(300), Duration.ofSeconds(30)))
          .isInstanceOf(OrderStore.StoreException.class);
      a.unlock(15);
      b.lock(15, Duration.ofMillis(300), Duration.ofSeconds(30));
      assertThat(b.find(15).orElseThrow().invoiceExported()).isFalse();
      b.unlock(15);
    }
  }

  @Test
  void candidates_are_paid_unexported_old_enough_orders_by_id_within_the_window() {
    aPaidOrder(1).insert(db.jdbi());
    aPaidOrder(2).status("new").insert(db.jdbi());
    aPaidOrder(3).insert(db.jdbi());
    aPaidOrder(4).paidAt(Instant.now().plusSeconds(3600).atOffset(java.time.ZoneOffset.UTC).toString())
        .insert(db.jdbi()); // too young
    aPaidOrder(5).paidAt(null).insert(db.jdbi());
    aPaidOrder(6).insert(db.jdbi());
    try (OrderStore.Session s = store.open()) {
      s.markExported(3, s.assignInvoiceNumber(3, 2026), Instant.now().truncatedTo(ChronoUnit.MICROS), null, null);
    }
    Duration age = Duration.ofMinutes(2);
    assertThat(store.candidates(0, Long.MAX_VALUE, 100, age)).containsExactly(1L, 5L, 6L);
    assertThat(store.candidates(1, Long.MAX_VALUE, 1, age)).containsExactly(5L);
    assertThat(store.candidates(0, 5, 100, age)).containsExactly(1L, 5L);
    assertThat(store.candidates(6, Long.MAX_VALUE, 100, age)).isEmpty();
  }

  @Test
  void an_error_names_the_constraint_but_never_the_row() {
    aPaidOrder(13).customer(NAME, "+79991234567", "Москва").insert(db.jdbi());
    db.jdbi().useHandle(h -> h.execute("ALTER TABLE orders ADD CONSTRAINT no_number_for_ivan CHECK"
        + " (invoice_number IS NULL OR customer_name <> 'Иван Иванов')"));
    try (OrderStore.Session s = store.open()) {
      assertThatThrownBy(() -> s.assignInvoiceNumber(13, 2026))
          .isInstanceOf(OrderStore.StoreException.class)
          .hasMessageContaining("no_number_for_ivan")
          .hasMessageNotContaining("Иван")
          .hasMessageNotContaining("79991234567")
          .hasMessageNotContaining("Москва");
    }
  }

  @Test
  void a_database_that_cannot_be_reached_fails_the_sessions_calls_with_a_store_error() {
    Database unreachable = new Database(new org.onecexporter.config.DatabaseConfig(
        db.dialect() == Dialect.POSTGRESQL ? "jdbc:postgresql://127.0.0.1:1/x?connectTimeout=2"
            : "jdbc:mariadb://127.0.0.1:1/x?connectTimeout=2000", "u", ""), 1);
    try (unreachable) {
      OrderStore broken = new SqlOrderStore(unreachable.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
      long started = System.nanoTime();
      try (OrderStore.Session session = broken.open()) { // a session borrows a connection only for its calls
        assertThatThrownBy(() -> session.lock(1, Duration.ofSeconds(5), Duration.ZERO))
            .isInstanceOf(OrderStore.StoreException.class).hasMessageStartingWith("locking the order failed");
      }
      assertThatThrownBy(() -> broken.candidates(0, 10, 10, Duration.ZERO))
          .isInstanceOf(OrderStore.StoreException.class);
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(30_000L);
    }
  }

  @Test
  void the_state_of_an_order_says_status_paid_invoice_and_1c_document_and_nothing_for_a_missing_one() {
    aPaidOrder(21).totalAmount("245168").customer(NAME, PHONE, "Москва").insert(db.jdbi());
    aPaidOrder(22).status("new").paidAt(null).insert(db.jdbi());
    Instant at = Instant.parse("2026-02-13T09:05:00.123456Z");
    String number;
    try (OrderStore.Session s = store.open()) {
      number = s.assignInvoiceNumber(21, 2026);
      s.markExported(21, number, at, "b7f1-guid", "00000000042");
    }

    OrderStore.OrderState exported = store.state(21).orElseThrow();
    assertThat(exported).isEqualTo(new OrderStore.OrderState(21, "paid", true,
        Instant.parse("2026-02-13T09:00:00Z"), true, number, at, exported.totalAmount(), "b7f1-guid", "00000000042"));
    assertThat(exported.totalAmount()).isEqualByComparingTo("245168");
    assertThat(exported.toString()).as("no personal data").doesNotContain(NAME).doesNotContain(PHONE);

    OrderStore.OrderState unpaid = store.state(22).orElseThrow();
    assertThat(unpaid.status()).isEqualTo("new");
    assertThat(unpaid.paid()).isFalse();
    assertThat(unpaid.paidAt()).isNull();
    assertThat(unpaid.invoiceExported()).isFalse();
    assertThat(unpaid.invoiceNumber()).isNull();
    assertThat(unpaid.documentId()).isNull();

    assertThat(store.state(23)).isEmpty();
  }

  @Test
  void an_order_is_found_by_its_invoice_number_whatever_the_letter_case() {
    aPaidOrder(31).insert(db.jdbi());
    aPaidOrder(32).insert(db.jdbi());
    String number;
    try (OrderStore.Session s = store.open()) {
      s.assignInvoiceNumber(31, 2026);
      number = s.assignInvoiceNumber(32, 2026);
    }
    assertThat(store.orderOfInvoice(number)).contains(32L);
    assertThat(store.orderOfInvoice(number.toLowerCase(java.util.Locale.ROOT))).contains(32L);
    assertThat(store.orderOfInvoice("INV-1999-1")).isEmpty();
  }

  private static String num(long n) {
    return org.onecexporter.domain.InvoiceNumbers.format(2026, n);
  }
}
