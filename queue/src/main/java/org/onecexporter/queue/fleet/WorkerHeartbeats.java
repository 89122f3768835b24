package org.onecexporter.queue.fleet;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which workers run and what their circuit breaker says, for the console: every worker writes one field of the
 * HASH {@code <prefix>:workers} (worker id → {@code {"seen_at","circuit","circuit_since","in_flight",
 * "concurrency"}}) every {@link #EVERY}; the console lists those seen within {@link #RECENT}. A stopping worker
 * removes its field; fields older than a day are removed by the reader.
 */
public final class WorkerHeartbeats implements AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(5);
  static final Duration RECENT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(WorkerHeartbeats.class);
  // The value is a flat JSON object of four numbers and one state name, so that redis-cli shows it readably. The
  // queue module carries no JSON library (the enqueuer library on top of it must stay Redisson + SLF4J), hence the
  // fixed-shape writer and reader below; anything that does not match is a malformed field and is removed.
  private static final Pattern STATE = Pattern.compile("[A-Z_]{1,20}");
  private static final Pattern VALUE = Pattern.compile(
      "\\{\"seen_at\":(\\d{1,19}),\"circuit\":\"([A-Z_]{1,20})\",\"circuit_since\":(\\d{1,19}),"
          + "\"in_flight\":(\\d{1,9}),\"concurrency\":(\\d{1,9})}");

  /** One worker as last seen. */
  public record Seen(String workerId, long seenAtMillis, String circuit, long circuitSinceMillis, int inFlight,
      int concurrency) {}

  private final RMap<String, String> map;
  private final String workerId;
  private final Supplier<String> circuit;
  private final IntSupplier inFlight;
  private final int concurrency;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private String lastCircuit;
  private long circuitSince;

  private WorkerHeartbeats(RedissonClient redis, QueueKeys keys, String workerId, Supplier<String> circuit,
      IntSupplier inFlight, int concurrency, Clock clock) {
    this.map = redis.getMap(keys.workers(), StringCodec.INSTANCE);
    this.workerId = workerId;
    this.circuit = circuit;
    this.inFlight = inFlight;
    this.concurrency = concurrency;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("heartbeat")
        .factory());
  }

  /** Starts publishing this worker's heartbeat; {@code circuit} names its breaker's state (CLOSED, OPEN, …). */
  public static WorkerHeartbeats publish(RedissonClient redis, QueueKeys keys, String workerId,
      Supplier<String> circuit, IntSupplier inFlight, int concurrency) {
    WorkerHeartbeats heartbeats = new WorkerHeartbeats(redis, keys, workerId, circuit, inFlight, concurrency,
        Clock.systemUTC());
    heartbeats.timer.scheduleWithFixedDelay(heartbeats::beat, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return heartbeats;
  }

  private void beat() {
    try {
      long now = clock.millis();
      String state = circuit.get();
      if (!state.equals(lastCircuit)) {
        lastCircuit = state;
        circuitSince = now;
      }
      map.fastPut(workerId, encode(now, state, circuitSince, inFlight.getAsInt(), concurrency));
    } catch (RuntimeException e) {
      LOG.debug("heartbeat not written: {}", e.toString());
    }
  }

  static String encode(long seenAt, String circuit, long circuitSince, int inFlight, int concurrency) {
    String state = STATE.matcher(circuit).matches() ? circuit : "UNKNOWN";
    return "{\"seen_at\":" + seenAt + ",\"circuit\":\"" + state + "\",\"circuit_since\":" + circuitSince
        + ",\"in_flight\":" + Math.max(0, inFlight) + ",\"concurrency\":" + Math.max(0, concurrency) + "}";
  }

  /** The workers seen within {@link #RECENT}, by id; drops fields older than a day. */
  public static List<Seen> recent(RedissonClient redis, QueueKeys keys, Clock clock) {
    RMap<String, String> map = redis.getMap(keys.workers(), StringCodec.INSTANCE);
    long now = clock.millis();
    List<Seen> seen = new ArrayList<>();
    for (Map.Entry<String, String> entry : map.readAllMap().entrySet()) {
      Matcher value = VALUE.matcher(entry.getValue());
      if (!value.matches()) {
        map.fastRemove(entry.getKey());
        continue;
      }
      long at = Long.parseLong(value.group(1));
      if (now - at > Duration.ofDays(1).toMillis()) {
        map.fastRemove(entry.getKey());
      } else if (now - at <= RECENT.toMillis()) {
        seen.add(new Seen(entry.getKey(), at, value.group(2), Long.parseLong(value.group(3)),
            Integer.parseInt(value.group(4)), Integer.parseInt(value.group(5))));
      }
    }
    seen.sort(Comparator.comparing(Seen::workerId));
    return seen;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      map.fastRemove(workerId);
    } catch (RuntimeException e) {
      LOG.debug("heartbeat not removed: {}", e.toString());
    }
  }
}
