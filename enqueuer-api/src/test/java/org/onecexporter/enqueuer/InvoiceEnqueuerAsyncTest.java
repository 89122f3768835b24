package org.onecexporter.enqueuer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.QueueUnavailableException;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/**
 * The asynchronous enqueue against a real Redis: it queues as the synchronous one does, answers without holding the
 * caller's thread when Redis is gone (unreachable at start, or silent mid-way), and keeps at most its bound of
 * enqueues in flight, answering FAILED beyond it.
 */
@ExtendWith(RedisExtension.class)
class InvoiceEnqueuerAsyncTest {
  /** Generous for a loaded 2-core machine; an enqueue that holds the caller's thread waits the Redis timeout. */
  private static final long CALLER_BUDGET_MS = 100;

  @Test
  void queues_and_answers_already_queued_for_a_repeat(TestRedis redis) throws Exception {
    List<EnqueueStatus> told = new CopyOnWriteArrayList<>();
    // not closed: it shares the test class's Redis client
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(
        new LazyQueue(redis::client, redis.queue().keys(), Duration.ofSeconds(1)), (s, nanos) -> told.add(s));
    assertThat(enqueuer.enqueueAsync(9101).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(EnqueueStatus.QUEUED);
    assertThat(redis.queue().job("9101")).containsEntry("state", "ready");
    assertThat(enqueuer.enqueueAsync(9101).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(EnqueueStatus.ALREADY_QUEUED);
    assertThat(enqueuer.enqueueQuietlyAsync(9101).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(EnqueueStatus.ALREADY_QUEUED);
    String given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assertThat(enqueuer.enqueueAsync(9102, given).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(EnqueueStatus.QUEUED);
    assertThat(redis.queue().job("9102")).containsEntry("traceparent", given);
    assertThat(enqueuer.queuedCount()).isEqualTo(2);
    assertThat(enqueuer.alreadyQueuedCount()).isEqualTo(2);
    assertThat(told).containsExactly(EnqueueStatus.QUEUED, EnqueueStatus.ALREADY_QUEUED,
        EnqueueStatus.ALREADY_QUEUED, EnqueueStatus.QUEUED);
    assertThat(enqueuer.inFlight()).isZero();

    // Many at once from one thread: each answered its own result.
    List<CompletableFuture<EnqueueStatus>> many = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(enqueuer.enqueueAsync(20_000 + i % 250).toCompletableFuture());
    }
    CompletableFuture.allOf(many.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(many.stream().filter(f -> f.join() == EnqueueStatus.QUEUED).count()).isEqualTo(250);
    assertThat(redis.queue().job("20249")).containsEntry("state", "ready");
  }

  @Test
  void an_invalid_id_fails_the_stage_or_answers_failed_quietly(TestRedis redis) {
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(
        new LazyQueue(redis::client, redis.queue().keys(), Duration.ofSeconds(1)));
    assertThat(enqueuer.enqueueAsync(0).toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
        .withThrowableThat().havingCause().isInstanceOf(IllegalArgumentException.class);
    assertThat(enqueuer.enqueueQuietlyAsync(-1).toCompletableFuture().join()).isEqualTo(EnqueueStatus.FAILED);
    assertThat(enqueuer.failedCount()).isEqualTo(2);
  }

  @Test
  void redis_unreachable_from_the_start_answers_failed_without_holding_the_caller() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    // a TCP connect to a closed port is refused at once; a blackholed address is the slow case, covered below
    try (InvoiceEnqueuer enqueuer = InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", "redis://127.0.0.1:" + closedPort,
        "ENQUEUER_REDIS_TIMEOUT_MS", "300"), InvoiceEnqueuer.Listener.NONE)) {
      long t0 = System.nanoTime();
      CompletableFuture<EnqueueStatus> quiet = enqueuer.enqueueQuietlyAsync(1).toCompletableFuture();
      CompletableFuture<EnqueueStatus> loud = enqueuer.enqueueAsync(2).toCompletableFuture();
      assertThat(elapsedMillis(t0)).as("the caller's thread").isLessThan(CALLER_BUDGET_MS);
      assertThat(quiet.get(10, TimeUnit.SECONDS)).isEqualTo(EnqueueStatus.FAILED);
      assertThat(loud).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
          .havingCause().isInstanceOf(QueueUnavailableException.class);
      assertThat(enqueuer.failedCount()).isEqualTo(2);
    }
  }

  @Test
  void redis_silent_mid_way_answers_within_the_timeout_and_the_bound_holds(TestRedis redis) throws Exception {
    try (FreezingProxy proxy = new FreezingProxy(redis.url());
        InvoiceEnqueuer enqueuer = InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", proxy.url(), "QUEUE_PREFIX",
            redis.prefix(), "ENQUEUER_REDIS_TIMEOUT_MS", "300", "ENQUEUER_MAX_IN_FLIGHT", "20"),
            InvoiceEnqueuer.Listener.NONE)) {
      assertThat(enqueuer.enqueueAsync(9201).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(EnqueueStatus.QUEUED);
      proxy.freeze();

      long t0 = System.nanoTime();
      CompletableFuture<EnqueueStatus> quiet = enqueuer.enqueueQuietlyAsync(9202).toCompletableFuture();
      CompletableFuture<EnqueueStatus> loud = enqueuer.enqueueAsync(9203).toCompletableFuture();
      assertThat(elapsedMillis(t0)).as("the caller's thread").isLessThan(CALLER_BUDGET_MS);
      assertThat(quiet.isDone()).isFalse();
      // the command wait with 300 ms: no retries below 5 s, so 350 ms; a margin for a loaded machine
      assertThat(quiet.get(5, TimeUnit.SECONDS)).isEqualTo(EnqueueStatus.FAILED);
      assertThat(loud).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
          .havingCause().isInstanceOf(QueueUnavailableException.class);
      long answeredMs = elapsedMillis(t0);
      assertThat(answeredMs).as("answered by the Redis timeout, not later").isLessThan(3000);

      // A flood while Redis is silent: at most 20 in flight, the rest answered FAILED at once.
      int maxSeen = 0;
      List<CompletableFuture<EnqueueStatus>> flood = new ArrayList<>();
      long t1 = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        flood.add(enqueuer.enqueueQuietlyAsync(30_000 + i).toCompletableFuture());
        maxSeen = Math.max(maxSeen, enqueuer.inFlight());
      }
      assertThat(elapsedMillis(t1)).as("1,000 calls on the caller's thread").isLessThan(2000);
      assertThat(maxSeen).isLessThanOrEqualTo(20);
      long failedAtOnce = flood.stream().filter(f -> f.isDone() && f.join() == EnqueueStatus.FAILED).count();
      assertThat(failedAtOnce).as("beyond the bound, answered at once").isGreaterThanOrEqualTo(980);
      CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertThat(flood).allSatisfy(f -> assertThat(f.join()).isEqualTo(EnqueueStatus.FAILED));
      assertThat(enqueuer.inFlight()).isZero();
      assertThat(enqueuer.failedCount()).isEqualTo(1002);

      proxy.thaw();
      EnqueueStatus after = null;
      for (int i = 0; i < 50 && after != EnqueueStatus.QUEUED; i++) {
        after = enqueuer.enqueueQuietlyAsync(9204).toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (after != EnqueueStatus.QUEUED) {
          Thread.sleep(100);
        }
      }
      assertThat(after).as("queues again once Redis answers").isEqualTo(EnqueueStatus.QUEUED);
    }
  }

  private static long elapsedMillis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** A TCP proxy in front of Redis that, once frozen, swallows what the client sends: a Redis that went silent. */
  static final class FreezingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;
    private final AtomicInteger threads = new AtomicInteger();

    FreezingProxy(String redisUrl) throws IOException {
      URI uri = URI.create(redisUrl);
      host = uri.getHost();
      port = uri.getPort() < 0 ? 6379 : uri.getPort();
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      start(this::accept);
    }

    String url() {
      return "redis://127.0.0.1:" + server.getLocalPort();
    }

    void freeze() {
      frozen = true;
    }

    /** Answers again; the connections that went silent are closed (their half-swallowed commands with them). */
    void thaw() throws IOException {
      frozen = false;
      for (Socket s : sockets) {
        s.close();
      }
      sockets.clear();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket(host, port);
          sockets.add(client);
          sockets.add(upstream);
          start(() -> pump(client, upstream, true));
          start(() -> pump(upstream, client, false));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, boolean request) {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (request && frozen) {
            continue; // swallowed: Redis never hears of it, the client never hears back
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // a side closed
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }

    private void start(Runnable body) {
      Thread t = new Thread(body, "freezing-proxy-" + threads.incrementAndGet());
      t.setDaemon(true);
      t.start();
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
