package org.onecexporter.enqueuer.service;


import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.config.Env;
import org.onecexporter.http.HttpLimits;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/**
 * The floods of issue 14 against the enqueuer, bounded in count and time and on loopback only: 20 parallel
 * unauthenticated 50 MB bodies, and a few hundred connections that send one header line a second. Throughout,
 * an authorised enqueue (from another loopback address, 127.0.0.2, as a payment processor is another host) must
 * answer within its normal time. Figures are printed for docs/reliability.md.
 */
@ExtendWith(RedisExtension.class)
class EnqueuerFloodTest {
  private static final String TOKEN = "flood-test-token-0123456789";
  private static final Duration HEADER_DEADLINE = Duration.ofSeconds(3);
  /** What an authorised enqueue may take under a flood; unloaded it takes about a millisecond here. */
  private static final long BOUND_MILLIS = 250;

  private final TestRedis redis;
  private InvoiceEnqueuer enqueuer;
  private EnqueuerHttpServer server;
  private final AtomicLong nextOrder = new AtomicLong(1);

  EnqueuerFloodTest(TestRedis redis) {
    this.redis = redis;
  }

  @BeforeEach
  void start() throws Exception {
    redis.queue().deleteAll();
    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    enqueuer = InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", redis.url(), "QUEUE_PREFIX", redis.prefix()), EnqueuerMain.meters(registry));
    server = EnqueuerHttpServer.start(enqueuer, TOKEN, "127.0.0.1", 0, registry,
        HttpLimits.enqueuer().withHeaderDeadline(HEADER_DEADLINE));
    for (int i = 0; i < 200; i++) {
      authorisedEnqueue(); // warm-up
    }
  }

  @AfterEach
  void stop() {
    server.close();
    enqueuer.close();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twenty_parallel_50_mb_bodies_are_refused_unread_and_enqueues_stay_fast() throws Exception {
    long[] before = enqueueLatencies(100);
    int floods = 20;
    long bodyBytes = 50L << 20;
    AtomicInteger refused = new AtomicInteger();
    AtomicLong written = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(floods);
    long heapBefore = usedHeap();
    List<Future<?>> flood = new ArrayList<>();
    for (int i = 0; i < floods; i++) {
      flood.add(pool.submit(() -> {
        for (int round = 0; round < 3; round++) {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/orders/1/invoice-export HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyBytes
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            long sent = 0;
            try {
              while (sent < bodyBytes) {
                out.write(chunk);
                sent += chunk.length;
              }
            } catch (IOException closedByServer) {
              // expected: the server answered 413 and closed without reading
            }
            written.addAndGet(sent);
            String status = statusLine(socket.getInputStream());
            if (status.startsWith("HTTP/1.1 413")) {
              refused.incrementAndGet();
            }
          } catch (IOException e) {
            // a reset before the answer could be read still means "not read"
          }
        }
        return null;
      }));
    }
    Thread.sleep(200);
    long[] during = enqueueLatencies(200);
    long heapDuring = usedHeap();
    for (Future<?> f : flood) {
      f.get(90, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    report("50 MB body flood (20 parallel, 3 rounds)", before, during);
    System.out.printf("FLOOD body: %d of %d requests answered 413; %d MB written by clients before the server closed"
        + " (of %d MB offered); test JVM heap %d MB -> %d MB%n", refused.get(), floods * 3, written.get() >> 20,
        (floods * 3 * bodyBytes) >> 20, heapBefore >> 20, heapDuring >> 20);

    assertThat(refused.get()).as("413 answered from the headers").isGreaterThanOrEqualTo(floods * 3 / 2);
    assertThat(written.get()).as("the server closed instead of reading 3 GB").isLessThan(floods * 3 * bodyBytes / 4);
    assertThat(max(during)).as("authorised enqueue during the flood, ms").isLessThan(BOUND_MILLIS);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void slow_header_connections_are_cut_at_the_deadline_and_enqueues_stay_fast() throws Exception {
    long[] before = enqueueLatencies(100);
    int slow = 300;
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < slow; i++) {
      Socket socket = new Socket();
      // from two addresses, so that the per-address cap does not cut them before the deadline does
      socket.bind(new InetSocketAddress(InetAddress.getByName(i % 2 == 0 ? "127.0.0.3" : "127.0.0.4"), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
      socket.getOutputStream().write("POST /v1/orders/1/invoice-export HTTP/1.1\r\nHost: x\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      sockets.add(socket);
    }
    long started = System.nanoTime();
    AtomicInteger open = new AtomicInteger(slow);
    Thread trickler = Thread.ofPlatform().daemon().start(() -> {
      // one more header line a second on every connection that is still open, for at most 20 s
      for (int line = 0; line < 20 && open.get() > 0; line++) {
        int stillOpen = 0;
        for (Socket socket : sockets) {
          try {
            socket.getOutputStream().write(("X-Slow-" + line + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            stillOpen++;
          } catch (IOException closed) {
            // cut off by the server
          }
        }
        open.set(stillOpen);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    long[] during = enqueueLatencies(200);
    // every slow connection is closed by the server soon after the deadline (EOF or reset on read)
    int closed = 0;
    for (Socket socket : sockets) {
      // one budget for all: deadline + 5 s from the flood's start (a server without a deadline fails in bounded time)
      long left = HEADER_DEADLINE.toMillis() + 5000 - (System.nanoTime() - started) / 1_000_000;
      socket.setSoTimeout((int) Math.max(1, left));
      try {
        socket.getInputStream().read(); // EOF: closed by the server (it never answers a header it did not get)
        closed++;
      } catch (java.net.SocketTimeoutException stillOpen) {
        // not cut off in time
      } catch (IOException reset) {
        closed++;
      }
    }
    double cutAfter = (System.nanoTime() - started) / 1e9;
    trickler.interrupt();
    sockets.forEach(s -> {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    });
    report(slow + " slow-header connections (a header line a second)", before, during);
    System.out.printf("FLOOD slow: %d of %d cut off by the server, all within %.1f s (header deadline %d s)%n", closed,
        slow, cutAfter, HEADER_DEADLINE.toSeconds());

    assertThat(closed).as("slow connections cut off").isEqualTo(slow);
    assertThat(cutAfter).as("seconds until the last was cut").isLessThan(HEADER_DEADLINE.toSeconds() + 5.0);
    assertThat(max(during)).as("authorised enqueue during the flood, ms").isLessThan(BOUND_MILLIS);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void one_address_cannot_take_every_connection() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    int limit = HttpLimits.enqueuer().maxConnectionsPerAddress();
    try {
      for (int i = 0; i < limit + 100; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        sockets.add(socket);
      }
      long[] during = enqueueLatencies(50);
      report((limit + 100) + " idle connections from one address", enqueueLatencies(1), during);
      assertThat(max(during)).isLessThan(BOUND_MILLIS);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  private long[] enqueueLatencies(int count) throws IOException, InterruptedException {
    long[] micros = new long[count];
    for (int i = 0; i < count; i++) {
      if (count > 100) {
        Thread.sleep(10); // spread over the flood
      }
      long t = System.nanoTime();
      String status = authorisedEnqueue();
      micros[i] = (System.nanoTime() - t) / 1000;
      assertThat(status).startsWith("HTTP/1.1 202");
    }
    Arrays.sort(micros);
    return micros;
  }

  /** A payment processor's call, from 127.0.0.2 on a new connection: status line returned. */
  private String authorisedEnqueue() throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("POST /v1/orders/" + nextOrder.getAndIncrement()
          + "/invoice-export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return statusLine(socket.getInputStream());
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString().strip();
  }

  private static long max(long[] sortedMicros) {
    return sortedMicros[sortedMicros.length - 1] / 1000;
  }

  private static void report(String what, long[] before, long[] during) {
    System.out.printf("FLOOD %s: authorised enqueue before p50 %.2f ms, max %.2f ms; during p50 %.2f ms, p99 %.2f ms,"
        + " max %.2f ms (%d calls)%n", what, before[before.length / 2] / 1000.0, before[before.length - 1] / 1000.0,
        during[during.length / 2] / 1000.0, during[(int) (during.length * 0.99)] / 1000.0,
        during[during.length - 1] / 1000.0, during.length);
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
