package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.OneCClient;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.client.codec.StringCodec;

/** The fleet-wide 1C cap with permits handed over between calls of one process, on a real Redis. */
@ExtendWith(RedisExtension.class)
class PermitGatedClientTest {

  /** A 1C of the tests: a cancellation is a call like any, and there is nothing to close. */
  private abstract static class FakeOneC implements OneCClient {
    @Override
    public Exchange cancel(String invoiceNumber, String reason, String probeToken) {
      return send(invoiceNumber, "{}", probeToken);
    }

    @Override
    public void close() {}
  }

  /** A 1C that takes a while and records how many calls overlap. */
  private static final class SlowOneC extends FakeOneC {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    private final long millis;

    SlowOneC(long millis) {
      this.millis = millis;
    }

    @Override
    public Exchange send(String invoiceNumber, String jsonBody, String probeToken) {
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
      }
      calls.incrementAndGet();
      return new Exchange(new CallOutcome.Success(201, "id-" + invoiceNumber, "0001", false), "{}", millis);
    }
  }

  @Test
  void two_processes_sharing_the_cap_never_exceed_it_and_give_every_permit_back(TestRedis redis) throws Exception {
    SlowOneC oneC = new SlowOneC(20);
    PermitGatedClient first = gate(oneC, redis, 3);
    PermitGatedClient second = gate(oneC, redis, 3);
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<OneCClient.Exchange>> results = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      PermitGatedClient client = i % 2 == 0 ? first : second;
      String number = "INV-2026-" + i;
      // Every third call a cancellation: it takes a permit of the same cap.
      boolean cancel = i % 3 == 0;
      results.add(pool.submit(() -> cancel ? client.cancel(number, "refunded", null) : client.send(number, "{}", null)));
    }
    for (Future<OneCClient.Exchange> result : results) {
      assertThat(result.get().outcome()).isInstanceOf(CallOutcome.Success.class);
    }
    pool.shutdown();

    assertThat(oneC.calls.get()).isEqualTo(120);
    assertThat(oneC.peak.get()).as("calls at once across both processes").isLessThanOrEqualTo(3);
    assertThat(oneC.peak.get()).as("the cap is used, not serialised").isEqualTo(3);
    assertThat(heldPermits(redis)).as("permits still held in Redis once every call has ended").isZero();
  }

  /**
   * A client whose exchange with 1C is short and whose own work on the answer is long (classifying, masking, on a
   * loaded machine): it splits its calls as HttpOneCClient does.
   */
  private static final class SlowAfterTheAnswer extends FakeOneC {
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The thread that sent each request. */
    final java.util.Map<String, Thread> senders = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Exchange send(String invoiceNumber, String jsonBody, String probeToken) {
      return OneCClient.both(sendSplit(invoiceNumber, jsonBody, probeToken));
    }

    @Override
    public Split sendSplit(String invoiceNumber, String jsonBody, String probeToken) {
      return new Split() {
        @Override
        public boolean exchange() {
          events.add("request " + invoiceNumber);
          senders.put(invoiceNumber, Thread.currentThread());
          sleep(50); // 1C at work
          events.add("answer " + invoiceNumber);
          return true;
        }

        @Override
        public Exchange outcome() {
          sleep(400); // the client's own work on the answer
          events.add("returned " + invoiceNumber);
          return new Exchange(new CallOutcome.Success(201, "id", "0001", false), "{}", 50);
        }
      };
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void the_permit_goes_to_the_next_call_when_the_answer_is_in_not_when_the_client_is_done(TestRedis redis)
      throws Exception {
    SlowAfterTheAnswer oneC = new SlowAfterTheAnswer();
    PermitGatedClient gated = gate(oneC, redis, 1);
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    Future<OneCClient.Exchange> first = pool.submit(() -> gated.send("INV-2026-1", "{}", null));
    Thread.sleep(20); // the first call holds the only permit
    Future<OneCClient.Exchange> second = pool.submit(() -> gated.send("INV-2026-2", "{}", null));
    assertThat(first.get().outcome()).isInstanceOf(CallOutcome.Success.class);
    assertThat(second.get().outcome()).isInstanceOf(CallOutcome.Success.class);
    pool.shutdown();
    // With the cap at 1, the second request went out while the first call's client still worked on its answer.
    assertThat(oneC.events.indexOf("request INV-2026-2")).as(oneC.events.toString())
        .isLessThan(oneC.events.indexOf("returned INV-2026-1"));
    assertThat(heldPermits(redis)).isZero();
  }

  @Test
  void the_lane_thread_that_read_an_answer_sends_the_next_waiting_request_itself(TestRedis redis) throws Exception {
    SlowAfterTheAnswer oneC = new SlowAfterTheAnswer();
    PermitGatedClient gated = gate(oneC, redis, 1);
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    Future<OneCClient.Exchange> first = pool.submit(() -> gated.send("INV-2026-11", "{}", null));
    Thread.sleep(20); // the first call holds the only permit; the next two wait for it
    Future<OneCClient.Exchange> second = pool.submit(() -> gated.send("INV-2026-12", "{}", null));
    Future<OneCClient.Exchange> third = pool.submit(() -> gated.send("INV-2026-13", "{}", null));
    for (Future<OneCClient.Exchange> result : List.of(first, second, third)) {
      assertThat(result.get().outcome()).isInstanceOf(CallOutcome.Success.class);
    }
    pool.shutdown();
    // No thread had to wake between an answer and the next request: one lane thread sent all three, the callers'
    // threads did the client's work on the answers.
    assertThat(oneC.senders.get("INV-2026-12")).isSameAs(oneC.senders.get("INV-2026-11"));
    assertThat(oneC.senders.get("INV-2026-13")).isSameAs(oneC.senders.get("INV-2026-11"));
    assertThat(oneC.senders.get("INV-2026-11").isVirtual()).isFalse();
    assertThat(heldPermits(redis)).isZero();
  }

  @Test
  void a_lone_call_takes_and_returns_its_permit(TestRedis redis) {
    SlowOneC oneC = new SlowOneC(1);
    PermitGatedClient client = gate(oneC, redis, 1);
    for (int i = 0; i < 5; i++) {
      assertThat(client.send("INV-2026-90" + i, "{}", null).outcome()).isInstanceOf(CallOutcome.Success.class);
      assertThat(heldPermits(redis)).isZero();
    }
  }

  @Test
  void without_redis_the_call_is_not_made_and_says_so(TestRedis redis) {
    SlowOneC oneC = new SlowOneC(1);
    var client = org.onecexporter.queue.RedisConnections.create(redis.url(), 2);
    var queue = new org.onecexporter.queue.JobQueue(client, redis.queue().keys());
    client.shutdown(); // Redis gone for this process
    PermitGatedClient gated = new PermitGatedClient(oneC, queue, 2, Duration.ofSeconds(5),
        PermitGatedClient.MAX_PERMIT_WAIT, new AtomicInteger());

    OneCClient.Exchange exchange = gated.send("INV-2026-999", "{}", null);

    assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.NotCalled.class,
        n -> assertThat(n.reason()).startsWith("no 1C permit, Redis unavailable"));
    assertThat(oneC.calls.get()).as("1C was not called").isZero();
  }

  @Test
  void a_full_cap_is_back_pressure_not_1c_down(TestRedis redis) {
    SlowOneC oneC = new SlowOneC(1);
    // Another process holds every permit of the fleet-wide cap for longer than a call may wait.
    redis.queue().oneC().tryAcquirePermit("held-elsewhere", 1, Duration.ofMinutes(1), null);
    PermitGatedClient gated = new PermitGatedClient(oneC, redis.queue(), 1, Duration.ofSeconds(5),
        Duration.ofMillis(300), new AtomicInteger());

    OneCClient.Exchange exchange = gated.send("INV-2026-998", "{}", null);

    assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.NotCalled.class, n -> {
      assertThat(n.oneCDown()).as("a busy cap says nothing about 1C's health").isFalse();
      assertThat(n.reason()).contains("ONEC_MAX_CONCURRENCY");
    });
    assertThat(oneC.calls.get()).as("1C was not called").isZero();
  }

  /** A 1C whose answer comes when the test says so; what the call's thread was, as the client saw it. */
  private static final class HeldOneC extends FakeOneC {
    final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    volatile Thread thread;
    volatile String orderInMdc;
    private final CallOutcome outcome;

    HeldOneC(CallOutcome outcome) {
      this.outcome = outcome;
    }

    @Override
    public Exchange send(String invoiceNumber, String jsonBody, String probeToken) {
      calls.incrementAndGet();
      thread = Thread.currentThread();
      orderInMdc = org.slf4j.MDC.get("order_id");
      started.countDown();
      try {
        answer.await();
      } catch (InterruptedException e) {
        // As HttpOneCClient on a virtual thread: an interrupt closes the socket and the answer is lost.
        return new Exchange(new CallOutcome.Transient(0, "no answer: interrupted", null), "", 0);
      }
      return new Exchange(outcome, "{}", 5);
    }
  }

  @Test
  void the_call_runs_on_a_platform_thread_with_the_attempts_log_context_and_failure_report(TestRedis redis)
      throws Exception {
    HeldOneC oneC = new HeldOneC(new CallOutcome.Transient(503, "1C is busy", null));
    oneC.answer.countDown();
    PermitGatedClient gated = gate(oneC, redis, 2);
    List<CallOutcome.Transient> reported = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread caller = Thread.ofVirtual().start(() -> {
      PermitGatedClient.REPORT.set(failure -> {
        reported.add(failure);
        return null;
      });
      try (org.slf4j.MDC.MDCCloseable ignored = org.slf4j.MDC.putCloseable("order_id", "4242")) {
        gated.send("INV-2026-4242", "{}", null);
      } finally {
        PermitGatedClient.REPORT.remove();
      }
    });
    caller.join(Duration.ofSeconds(10));

    // A platform thread: the kernel wakes it when the answer arrives or a permit is handed over, where a virtual
    // thread would wait for a carrier behind the attempts' CPU work.
    assertThat(oneC.thread.isVirtual()).as("the call's thread is virtual").isFalse();
    assertThat(oneC.orderInMdc).as("the attempt's log context on the call's thread").isEqualTo("4242");
    assertThat(reported).as("the transient failure reached the attempt's fleet report").hasSize(1);
    assertThat(heldPermits(redis)).isZero();
    gated.close();
  }

  @Test
  void an_attempt_interrupted_while_its_call_is_at_1c_gets_1cs_answer_and_keeps_its_interrupt(TestRedis redis)
      throws Exception {
    HeldOneC oneC = new HeldOneC(new CallOutcome.Success(201, "id", "0001", false));
    PermitGatedClient gated = gate(oneC, redis, 1);
    AtomicReference<OneCClient.Exchange> result = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean interruptKept = new java.util.concurrent.atomic.AtomicBoolean();
    Thread caller = Thread.ofVirtual().start(() -> {
      result.set(gated.send("INV-2026-4243", "{}", null));
      interruptKept.set(Thread.currentThread().isInterrupted());
    });
    assertThat(oneC.started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    caller.interrupt(); // the attempt abandoned, or the worker stopping, while 1C works on the invoice
    Thread.sleep(100);
    oneC.answer.countDown();
    caller.join(Duration.ofSeconds(10));

    // What 1C did is the attempt's outcome: the invoice exists, and the attempt says so rather than "no answer".
    assertThat(result.get().outcome()).isInstanceOf(CallOutcome.Success.class);
    assertThat(interruptKept).as("the caller's interrupt is kept for what follows").isTrue();
    assertThat(heldPermits(redis)).isZero();
    gated.close();
  }

  @Test
  void an_attempt_interrupted_while_it_waits_for_a_permit_is_not_called_and_the_lane_goes_on(TestRedis redis)
      throws Exception {
    HeldOneC oneC = new HeldOneC(new CallOutcome.Success(201, "id", "0001", false));
    oneC.answer.countDown();
    redis.queue().oneC().tryAcquirePermit("held-elsewhere", 1, Duration.ofMinutes(1), null);
    PermitGatedClient gated = gate(oneC, redis, 1);
    AtomicReference<OneCClient.Exchange> result = new java.util.concurrent.atomic.AtomicReference<>();
    Thread caller = Thread.ofVirtual().start(() -> result.set(gated.send("INV-2026-4244", "{}", null)));
    Thread.sleep(300); // waiting for the permit another process holds
    caller.interrupt();
    caller.join(Duration.ofSeconds(10));

    assertThat(caller.isAlive()).isFalse();
    assertThat(result.get().outcome()).isInstanceOfSatisfying(CallOutcome.NotCalled.class,
        n -> assertThat(n.reason()).contains("interrupted"));
    assertThat(oneC.calls.get()).as("1C was not called").isZero();

    // The lane's thread is not left interrupted or stuck: once the permit is free, the next call is made.
    redis.queue().oneC().releasePermit("held-elsewhere");
    assertThat(gated.send("INV-2026-4245", "{}", null).outcome()).isInstanceOf(CallOutcome.Success.class);
    assertThat(heldPermits(redis)).isZero();
    gated.close();
  }

  /** The client as the worker makes it: a 5 s 1C timeout, the usual permit wait. */
  private static PermitGatedClient gate(OneCClient oneC, TestRedis redis, int cap) {
    return new PermitGatedClient(oneC, redis.queue(), cap, Duration.ofSeconds(5), PermitGatedClient.MAX_PERMIT_WAIT,
        new AtomicInteger());
  }

  private static int heldPermits(TestRedis redis) {
    return redis.client().getScoredSortedSet(redis.queue().keys().permits(), StringCodec.INSTANCE).size();
  }
}
