package org.onecexporter.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.export.AttemptRecord;
import org.onecexporter.history.AttemptHistory;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.TestDatabase;
import org.redisson.client.codec.StringCodec;

/**
 * GET /api/charts against a real database and Redis: attempts written at known times land in the right minute,
 * failures by outcome, the 1C call time's P50/P95 per bucket from the workers' timing list, the bounds of the
 * window, and one answer kept for 30 s. The same on each database: one subclass per server.
 */
abstract class ChartsContract {
  private static final String PASSWORD = "operator-secret-charts-1";
  /** 10:01:30: with hours=1 the buckets are the minutes 09:02 … 10:01, the last one half gone. */
  private static final Instant NOW = Instant.parse("2026-12-06T10:01:30Z");
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private ConsoleServer console;

  ChartsContract(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void start() throws Exception {
    db.truncate();
    db.jdbi().useHandle(h -> h.execute("DELETE FROM export_attempts"));
    queue.deleteAll();
    Clock clock = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    console = new ConsoleServer(new ConsoleConfig("127.0.0.1", 0, PASSWORD, Optional.empty()),
        new OperationsData(db.jdbi(), new SqlOrderStore(db.jdbi(), db.dialect(), ReferenceSource.INSTANCE), queue,
            clock),
        new InvoiceEnqueuer(new LazyQueue(redis::client, queue.keys(), Duration.ofSeconds(1))),
        new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    console.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            ("operator:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
        .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private JsonNode charts(String query) throws Exception {
    HttpResponse<String> r = get("/api/charts" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  private void attempts(Object... finishedAndOutcome) {
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "w1", new SimpleMeterRegistry())) {
      for (int i = 0; i < finishedAndOutcome.length; i += 2) {
        Instant finished = Instant.parse((String) finishedAndOutcome[i]);
        history.record(new AttemptRecord(1000 + i, "INV-" + i, 1, finished.minusMillis(300), finished,
            (String) finishedAndOutcome[i + 1], 201, null, null, null, 0));
      }
    }
  }

  /** Entries of the workers' timing list, oldest first, as ack_jobs pushes them: "done_at queued_ms call_ms". */
  private void timings(String... entries) {
    var list = redis.client().<String>getList(queue.keys().exportTimes(), StringCodec.INSTANCE);
    for (String e : entries) {
      redis.client().getDeque(queue.keys().exportTimes(), StringCodec.INSTANCE).addFirst(e);
    }
    assertThat(list.size()).isEqualTo(entries.length);
  }

  private static String at(String iso, long queuedMs, String callMs) {
    return Instant.parse(iso).toEpochMilli() + " " + queuedMs + " " + callMs;
  }

  @Test
  void attempts_land_in_their_minute_and_the_1c_call_time_has_its_percentiles() throws Exception {
    attempts(
        "2026-12-06T09:01:59.999Z", "exported", // before the window
        "2026-12-06T09:30:00Z", "exported", "2026-12-06T09:30:59.999Z", "exported", // bucket 28
        "2026-12-06T09:31:00Z", "exported", // bucket 29
        "2026-12-06T09:45:00Z", "transient_failure", "2026-12-06T09:45:20Z", "transient_failure",
        "2026-12-06T09:45:30Z", "rejected_invalid", // bucket 43
        "2026-12-06T09:50:00Z", "not_configured", "2026-12-06T09:50:01Z", "cap_full",
        "2026-12-06T09:50:02Z", "already_exported", // bucket 48: cap_full and already_exported are no failures
        "2026-12-06T10:01:10Z", "exported", // bucket 59, under way
        "2026-12-06T10:02:00Z", "exported"); // the window's end: not in it
    timings(at("2026-12-06T09:01:00Z", 900, "50"), // before the window: the read stops here
        at("2026-12-06T09:30:01Z", 900, "100"), at("2026-12-06T09:30:02Z", 900, "200"),
        at("2026-12-06T09:30:03Z", 900, "300"), at("2026-12-06T09:30:04Z", 900, "400"),
        at("2026-12-06T09:30:05Z", 900, "500"), at("2026-12-06T09:30:06Z", 900, "600"),
        at("2026-12-06T09:30:07Z", 900, "700"), at("2026-12-06T09:30:08Z", 900, "800"),
        at("2026-12-06T09:30:09Z", 900, "900"), at("2026-12-06T09:30:10Z", 900, "1000"),
        at("2026-12-06T09:47:00Z", 9000, "7100"), at("2026-12-06T09:48:00Z", 900, ""), // no call timed
        "not a timing"); // hand-written: skipped

    JsonNode c = charts("?hours=1");
    assertThat(c.path("hours").asInt()).isEqualTo(1);
    assertThat(c.path("bucket_seconds").asLong()).isEqualTo(60);
    assertThat(c.path("from").asText()).isEqualTo("2026-12-06T09:02:00Z");
    assertThat(c.path("to").asText()).isEqualTo("2026-12-06T10:02:00Z");
    JsonNode buckets = c.path("buckets");
    assertThat(buckets).hasSize(60);
    assertThat(buckets.get(0).path("start").asText()).isEqualTo("2026-12-06T09:02:00Z");
    assertThat(buckets.get(28).path("start").asText()).isEqualTo("2026-12-06T09:30:00Z");
    long[] exported = new long[60];
    for (int i = 0; i < 60; i++) {
      exported[i] = buckets.get(i).path("exported").asLong();
    }
    long[] expected = new long[60];
    expected[28] = 2;
    expected[29] = 1;
    expected[59] = 1;
    assertThat(exported).containsExactly(expected);
    assertThat(buckets.get(28).path("exported_per_minute").asDouble()).isEqualTo(2.0);
    assertThat(buckets.get(59).path("exported_per_minute").asDouble())
        .as("the bucket under way: over the minute at least, not over its 30 s").isEqualTo(1.0);
    assertThat(buckets.get(43).path("failures").toString())
        .isEqualTo("{\"rejected_invalid\":1,\"transient_failure\":2}");
    assertThat(buckets.get(48).path("failures").toString()).isEqualTo("{\"not_configured\":1}");
    assertThat(buckets.get(28).path("failures").size()).isZero();

    assertThat(buckets.get(28).path("calls").asInt()).isEqualTo(10);
    assertThat(buckets.get(28).path("call_p50_ms").asLong()).isEqualTo(500);
    assertThat(buckets.get(28).path("call_p95_ms").asLong()).isEqualTo(1000);
    assertThat(buckets.get(45).path("call_p50_ms").asLong()).isEqualTo(7100);
    assertThat(buckets.get(45).path("call_p95_ms").asLong()).isEqualTo(7100);
    assertThat(buckets.get(46).path("calls").asInt()).as("an export without a timed call").isZero();
    assertThat(buckets.get(46).path("call_p50_ms").isNull()).isTrue();
    assertThat(c.path("call_times_from").isNull()).isTrue();

    JsonNode totals = c.path("totals");
    assertThat(totals.path("exported").asLong()).isEqualTo(4);
    assertThat(totals.path("peak_per_minute").asDouble()).isEqualTo(2.0);
    assertThat(totals.path("failures").toString())
        .isEqualTo("{\"transient_failure\":2,\"not_configured\":1,\"rejected_invalid\":1}");
    assertThat(totals.path("calls").asInt()).isEqualTo(11);
    assertThat(totals.path("call_p50_ms").asLong()).isEqualTo(600);
    assertThat(totals.path("call_p95_ms").asLong()).isEqualTo(7100);
    assertThat(c.has("attempts_error")).isFalse();
    assertThat(c.has("call_times_error")).isFalse();
  }

  @Test
  void wider_windows_have_sixty_wider_buckets_and_other_windows_are_refused() throws Exception {
    attempts("2026-12-06T07:10:00Z", "exported", "2026-12-06T07:11:59Z", "exported",
        "2026-12-06T07:12:00Z", "transient_failure");
    JsonNode c = charts("?hours=3");
    assertThat(c.path("bucket_seconds").asLong()).isEqualTo(180);
    assertThat(c.path("from").asText()).isEqualTo("2026-12-06T07:03:00Z");
    assertThat(c.path("buckets")).hasSize(60);
    // 07:09:00–07:12:00 is bucket 2: two exports in 3 minutes
    assertThat(c.path("buckets").get(2).path("exported").asLong()).isEqualTo(2);
    assertThat(c.path("buckets").get(2).path("exported_per_minute").asDouble()).isEqualTo(0.7);
    assertThat(c.path("buckets").get(3).path("failures").path("transient_failure").asLong()).isEqualTo(1);
    assertThat(charts("").path("hours").asInt()).as("3 hours by default").isEqualTo(3);
    assertThat(charts("?hours=24").path("bucket_seconds").asLong()).isEqualTo(1440);
    for (String bad : new String[] {"5", "0", "-1", "100", "abc", "1e3", "999999999999"}) {
      assertThat(get("/api/charts?hours=" + bad).statusCode()).as(bad).isEqualTo(400);
    }
  }

  @Test
  void an_empty_window_answers_zeros_and_nulls() throws Exception {
    JsonNode c = charts("?hours=6");
    assertThat(c.path("totals").path("exported").asLong()).isZero();
    assertThat(c.path("totals").path("failures").size()).isZero();
    assertThat(c.path("totals").path("calls").asInt()).isZero();
    assertThat(c.path("totals").path("call_p95_ms").isNull()).isTrue();
    assertThat(c.path("buckets")).hasSize(60);
  }

  @Test
  void one_answer_is_kept_for_thirty_seconds_per_window() throws Exception {
    attempts("2026-12-06T10:00:10Z", "exported");
    assertThat(charts("?hours=1").path("totals").path("exported").asLong()).isEqualTo(1);
    attempts("2026-12-06T10:00:20Z", "exported");
    now.set(NOW.plusSeconds(29));
    assertThat(charts("?hours=1").path("totals").path("exported").asLong()).as("kept").isEqualTo(1);
    assertThat(charts("?hours=3").path("totals").path("exported").asLong()).as("another window").isEqualTo(2);
    now.set(NOW.plusSeconds(30));
    assertThat(charts("?hours=1").path("totals").path("exported").asLong()).as("read again").isEqualTo(2);
  }

  @Test
  void when_the_timing_list_is_full_inside_the_window_the_answer_says_from_when_call_times_are_known()
      throws Exception {
    // 10,001 exports in the last hour, oldest first: the read stops at the list's cap (10,000 entries).
    String[] entries = new String[10_001];
    long first = Instant.parse("2026-12-06T09:10:00Z").toEpochMilli();
    for (int i = 0; i < entries.length; i++) {
      entries[i] = (first + i * 100L) + " 900 " + (i % 2 == 0 ? "100" : "300");
    }
    redis.client().getDeque(queue.keys().exportTimes(), StringCodec.INSTANCE).addFirst(entries);
    JsonNode c = charts("?hours=1");
    assertThat(c.path("totals").path("calls").asInt()).isEqualTo(10_000);
    assertThat(c.path("call_times_from").asText())
        .isEqualTo(Instant.ofEpochMilli(first + 100L).toString());
    assertThat(c.path("totals").path("call_p95_ms").asLong()).isEqualTo(300);
  }
}
