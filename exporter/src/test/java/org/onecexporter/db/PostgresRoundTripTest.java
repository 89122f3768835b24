package org.onecexporter.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.domain.Order;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * What an export costs in round trips to PostgreSQL, counted on the wire: every round trip of the driver ends with a
 * Sync (extended protocol) or is a simple Query, so a proxy that reads the client's messages counts them. Each
 * round trip is CPU on both sides (on loopback the sender's system call does the receiver's network work too) and,
 * at a 1C latency of 20 ms, cap 4, the machine's CPU is what keeps an export from the next call.
 */
@ExtendWith(PostgresExtension.class)
class PostgresRoundTripTest {
  private static final long ORDER = 8_800_000_001L;
  private final TestDatabase db;

  PostgresRoundTripTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeEach
  void cleanSlate() {
    db.truncate();
  }

  @Test
  void an_export_under_its_lock_takes_three_round_trips_lock_with_reads_number_flag_with_release() throws Exception {
    aPaidOrder(ORDER).item("A-2", "Лампа", "1.5", "99.90").insert(db.jdbi());
    try (CountingProxy proxy = new CountingProxy(db); Database viaProxy = proxy.database()) {
      OrderStore store = new SqlOrderStore(viaProxy.jdbi(), Dialect.POSTGRESQL, ReferenceSource.INSTANCE);
      viaProxy.jdbi().useHandle(h -> h.execute("SELECT 1")); // the connection's start-up is not the export's
      int before = proxy.roundTrips();
      Order order;
      String number;
      try (OrderStore.Session s = store.open()) {
        s.lock(ORDER, Duration.ofSeconds(5), Duration.ofSeconds(30));
        order = s.find(ORDER).orElseThrow();
        assertThat(s.cancellation(ORDER).requested()).isFalse();
        number = s.assignInvoiceNumber(ORDER, 2026);
        s.idle(); // the call to 1C
        s.markExportedAndUnlock(ORDER, number, Instant.now().truncatedTo(ChronoUnit.MICROS), "doc", "42");
      }
      int roundTrips = proxy.roundTrips() - before;
      assertThat(order.items()).hasSize(2);
      assertThat(order.customerName()).isNotBlank();
      assertThat(number).startsWith("INV-2026-");
      assertThat(store.state(ORDER).orElseThrow().invoiceExported()).isTrue();
      // 14 before (c284b5a): the lock, the order, its lines, the cancellation one each; the number's and the flag's
      // transactions four or more each (the fence with BEGIN, the row or the flag, the counter or the release,
      // COMMIT) and the driver's own around them.
      assertThat(roundTrips).as("round trips of one export").isEqualTo(3);
    }
  }

  @Test
  void what_was_read_with_the_lock_is_used_once_and_never_after_a_write() {
    aPaidOrder(ORDER).insert(db.jdbi());
    OrderStore store = new SqlOrderStore(db.jdbi(), Dialect.POSTGRESQL, ReferenceSource.INSTANCE);
    try (OrderStore.Session s = store.open()) {
      s.lock(ORDER, Duration.ofSeconds(5), Duration.ofSeconds(30));
      String number = s.assignInvoiceNumber(ORDER, 2026);
      assertThat(s.find(ORDER).orElseThrow().invoiceNumber()).as("read again after the write").isEqualTo(number);
      s.unlock(ORDER);
      db.jdbi().useHandle(h -> h.execute("UPDATE orders SET status = 'refunded' WHERE id = " + ORDER));
      s.lock(ORDER, Duration.ofSeconds(5), Duration.ofSeconds(30));
      assertThat(s.find(ORDER).orElseThrow().status()).as("read with this lock, not the last").isEqualTo("refunded");
      db.jdbi().useHandle(h -> h.execute("UPDATE orders SET status = 'paid' WHERE id = " + ORDER));
      assertThat(s.find(ORDER).orElseThrow().status()).as("a second find reads again").isEqualTo("paid");
      s.unlock(ORDER);
    }
  }

  @Test
  void a_lock_taken_elsewhere_is_not_granted_and_its_reads_are_not_kept() {
    aPaidOrder(ORDER).insert(db.jdbi());
    OrderStore store = new SqlOrderStore(db.jdbi(), Dialect.POSTGRESQL, ReferenceSource.INSTANCE);
    try (OrderStore.Session a = store.open(); OrderStore.Session b = store.open()) {
      a.lock(ORDER, Duration.ofSeconds(5), Duration.ofSeconds(30));
      assertThatThrownBy(() -> b.lock(ORDER, Duration.ofMillis(200), Duration.ofSeconds(30)))
          .isInstanceOf(OrderStore.StoreException.class).hasMessageContaining("not free");
      setStatus("refunded");
      a.unlock(ORDER);
      assertThat(b.find(ORDER).orElseThrow().status()).as("read now, not with the refused lock").isEqualTo("refunded");
    }
  }

  @Test
  void what_was_read_with_a_lock_is_gone_with_it_and_the_cancellation_is_used_once() {
    aPaidOrder(ORDER).insert(db.jdbi());
    OrderStore store = new SqlOrderStore(db.jdbi(), Dialect.POSTGRESQL, ReferenceSource.INSTANCE);
    try (OrderStore.Session s = store.open()) {
      s.lock(ORDER, Duration.ofSeconds(5), Duration.ofSeconds(30));
      s.unlock(ORDER); // its reads unused
      setStatus("refunded");
      assertThat(s.find(ORDER).orElseThrow().status()).as("read after the unlock").isEqualTo("refunded");
      s.lock(ORDER, Duration.ofSeconds(5), Duration.ofSeconds(30));
      assertThat(s.cancellation(ORDER).requested()).isFalse();
      db.jdbi().useHandle(h -> h.execute("INSERT INTO onec_exporter_ledger (order_id, invoice_cancel_requested_at)"
          + " VALUES (" + ORDER + ", now())"));
      assertThat(s.cancellation(ORDER).requested()).as("a second cancellation() reads again").isTrue();
      s.idle();
      assertThat(s.find(ORDER).orElseThrow().status()).isEqualTo("refunded");
      s.unlock(ORDER);
    }
  }

  /**
   * The driver maps the rows after the pipeline's Sync: a value the source cannot read fails there with the grant
   * already committed. The lock must still be this session's (not an orphan grant that keeps the order locked
   * until it lapses) and the read must fail where it always did.
   */
  @Test
  void a_read_that_fails_with_the_lock_leaves_no_orphan_lock_and_fails_in_find() {
    aPaidOrder(ORDER).insert(db.jdbi());
    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET delivery_cost = 'NaN' WHERE id = " + ORDER));
    OrderStore store = new SqlOrderStore(db.jdbi(), Dialect.POSTGRESQL, ReferenceSource.INSTANCE);
    try (OrderStore.Session a = store.open(); OrderStore.Session b = store.open()) {
      a.lock(ORDER, Duration.ofSeconds(2), Duration.ofSeconds(30));
      assertThatThrownBy(() -> a.find(ORDER)).isInstanceOf(OrderStore.StoreException.class)
          .hasMessageStartingWith("reading the order failed");
      a.unlock(ORDER);
      long asked = System.nanoTime();
      b.lock(ORDER, Duration.ofSeconds(2), Duration.ofSeconds(30));
      assertThat((System.nanoTime() - asked) / 1_000_000).as("free at once").isLessThan(1_000L);
      b.unlock(ORDER);
      long leases = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM onec_exporter_leases")
          .mapTo(Long.class).one());
      assertThat(leases).as("no lease left behind").isZero();
    }
  }

  /**
   * A statement of a pipeline that PostgreSQL refuses (here a row lock not granted within the lock's timeout) is a
   * statement's failure, not a database out of reach: the command line and the console say "unreachable" for a
   * Jdbi ConnectionException in the chain.
   */
  @Test
  void a_refused_pipeline_statement_is_reported_as_the_statements_failure_not_as_an_unreachable_database() {
    aPaidOrder(ORDER).insert(db.jdbi());
    OrderStore store = new SqlOrderStore(db.jdbi(), Dialect.POSTGRESQL, ReferenceSource.INSTANCE);
    try (org.jdbi.v3.core.Handle holder = db.jdbi().open(); OrderStore.Session s = store.open()) {
      holder.begin();
      holder.createQuery("SELECT id FROM orders WHERE id = " + ORDER + " FOR UPDATE").mapTo(Long.class).one();
      s.lock(ORDER, Duration.ofMillis(500), Duration.ofSeconds(30));
      Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> s.assignInvoiceNumber(ORDER, 2026));
      holder.rollback();
      assertThat(failure).isInstanceOf(OrderStore.StoreException.class)
          .hasMessageStartingWith("assigning the invoice number failed");
      List<Throwable> chain = new java.util.ArrayList<>();
      for (Throwable t = failure; t != null; t = t.getCause()) {
        chain.add(t);
      }
      assertThat(chain).noneMatch(t -> t instanceof org.jdbi.v3.core.ConnectionException);
      assertThat(chain).anyMatch(t -> t instanceof java.sql.SQLException sql && "55P03".equals(sql.getSQLState()));
      s.unlock(ORDER);
    }
  }

  private void setStatus(String status) {
    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET status = '" + status + "' WHERE id = " + ORDER));
  }

  /**
   * A loopback proxy in front of the test's server that reads the client's protocol messages: after the untyped
   * start-up messages (an SSL or GSS request, each answered by one byte, then the startup packet), every message is
   * a type byte and a length; a Sync ({@code S}) or a simple Query ({@code Q}) ends a round trip.
   */
  private static final class CountingProxy implements AutoCloseable {
    private final TestDatabase db;
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger roundTrips = new AtomicInteger();
    private final String host;
    private final int port;

    CountingProxy(TestDatabase db) throws IOException {
      this.db = db;
      java.net.URI uri = java.net.URI.create(db.config().jdbcUrl().substring("jdbc:".length()));
      this.host = uri.getHost();
      this.port = uri.getPort() == -1 ? 5432 : uri.getPort();
      Thread.ofPlatform().daemon().name("counting-proxy").start(this::accept);
    }

    int roundTrips() {
      return roundTrips.get();
    }

    /** A pool of two connections through this proxy, in the clear (a TLS stream could not be read). */
    Database database() {
      String url = db.config().jdbcUrl().replace(":" + port + "/", ":" + server.getLocalPort() + "/");
      url += (url.contains("?") ? "&" : "?") + "sslmode=disable&gssEncMode=disable";
      return new Database(new DatabaseConfig(url, db.config().user(), db.config().password()), 2);
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket(host, port);
          sockets.add(client);
          sockets.add(upstream);
          Thread.ofPlatform().daemon().start(() -> count(client, upstream));
          Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void count(Socket from, Socket to) {
      try (DataInputStream in = new DataInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
        boolean started = false;
        while (true) {
          if (!started) {
            int length = in.readInt();
            int code = in.readInt();
            byte[] rest = in.readNBytes(length - 8);
            out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                (byte) length, (byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code});
            out.write(rest);
            out.flush();
            started = code == 196_608; // protocol 3.0: the startup packet; SSL/GSS requests come before it
            continue;
          }
          int type = in.read();
          if (type < 0) {
            break;
          }
          int length = in.readInt();
          byte[] body = in.readNBytes(length - 4);
          if (type == 'S' || type == 'Q') {
            roundTrips.incrementAndGet();
          }
          out.write(type);
          out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
              (byte) length});
          out.write(body);
          out.flush();
        }
      } catch (IOException e) {
        // a side went away
      }
      close(to);
    }

    private static void pump(Socket from, Socket to) {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // a side went away
      }
      close(to);
    }

    private static void close(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
