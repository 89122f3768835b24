package org.onecexporter.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.onecexporter.queue.model.MoveResult;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The queue's Lua scripts ({@code redis/<script>.lua}, each naming the shared functions it needs as
 * {@code --- @include "includes/<function>"}), assembled once and sent by name; the answer codes are read here.
 * One instance per {@link JobQueue}, shared with the rooms it hands out (nobody else can make one).
 */
public final class Scripts {
  /** One file per move; {@link #file()} is its name under {@code redis/}. */
  public enum Script {
    ENQUEUE, ENQUEUE_ALL, CLAIM, EXTEND, ACK, ACK_CLAIM, RETRY, DEADLETTER, RELEASE, ABANDON, REAP, REQUEUE, PURGE,
    DROP, DLQ_COUNTS, DLQ_PAGE, PERMIT_ACQUIRE, PERMIT_RELEASE, ONEC_HEALTH, RECONCILE, REHOME, REINDEX, STATS;

    String file() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Pattern INCLUDE = Pattern.compile("^--- @include \"([a-z_/]+)\"\\s*$", Pattern.MULTILINE);
  private static final Map<Script, String> TEXTS = new EnumMap<>(Script.class);

  static {
    for (Script s : Script.values()) {
      TEXTS.put(s, withoutComments(assemble(s.file())));
    }
  }

  private final RScript script;
  private final String hashKey;
  private final LongAdder calls = new LongAdder();
  private final String callPrefix = java.util.UUID.randomUUID().toString();
  private final AtomicLong callCounter = new AtomicLong();
  /** How long a move's answer is kept for a resent call: the client's timeout × attempts and pauses. */
  private final long replayWindowMillis;

  Scripts(RedissonClient redis, String hashKey) {
    this.script = redis.getScript(StringCodec.INSTANCE);
    this.hashKey = hashKey;
    this.replayWindowMillis = Math.max(5_000, RedisConnections.commandWait(redis));
  }

  /** Script calls made so far. */
  public long calls() {
    return calls.sum();
  }

  /** A fresh call id: this client's random prefix and a counter (unique across processes, cheap per call). */
  public String newCall() {
    return callPrefix + ':' + callCounter.incrementAndGet();
  }

  /** How long a move's answer is kept for a resent call, in ms (an ARGV of the scripts that keep one). */
  public String replayWindow() {
    return Long.toString(replayWindowMillis);
  }

  public CompletionStage<List<Object>> evalAsync(Script name, List<String> keys, String... args) {
    calls.increment();
    return script.<Object>evalAsync(hashKey, RScript.Mode.READ_WRITE, TEXTS.get(name), RScript.ReturnType.LIST,
        new ArrayList<Object>(keys), (Object[]) args).thenApply(Scripts::asList);
  }

  public List<Object> eval(Script name, List<String> keys, String... args) {
    calls.increment();
    return asList(script.eval(hashKey, RScript.Mode.READ_WRITE, TEXTS.get(name), RScript.ReturnType.LIST,
        new ArrayList<Object>(keys), (Object[]) args));
  }

  /** A token-checked move's answer ({@code done}, {@code held}, {@code dead_lettered} or a refusal code) as a result. */
  public static MoveResult move(Object answer) {
    return switch (answer.toString()) {
      case "done" -> MoveResult.DONE;
      case "held" -> MoveResult.HELD;
      case "dead_lettered" -> MoveResult.DEAD;
      case "no_job" -> MoveResult.NO_JOB;
      case "lease_lost" -> MoveResult.LEASE_LOST;
      default -> throw new IllegalStateException("unknown answer from a queue script: " + answer);
    };
  }

  public static long number(Object value) {
    return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
  }

  /** A script's answer as a list: a single value (a script answering a number or a code) becomes a list of one. */
  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object result) {
    if (result instanceof List<?> list) {
      return (List<Object>) list;
    }
    List<Object> single = new ArrayList<>(1);
    single.add(result);
    return single;
  }

  /** The script's text with the includes it names, each once, before it (an include's own includes first). */
  public static String assemble(String name) {
    StringBuilder out = new StringBuilder();
    include(name, new LinkedHashSet<>(), out);
    return out.toString();
  }

  private static void include(String name, Set<String> done, StringBuilder out) {
    if (!done.add(name)) {
      return;
    }
    String text = resource(name);
    Matcher m = INCLUDE.matcher(text);
    while (m.find()) {
      include(m.group(1), done, out);
    }
    out.append(INCLUDE.matcher(text).replaceAll("")).append('\n');
  }

  /**
   * The script as sent to Redis: without its comment lines, so every call carries (and Redisson copies) a shorter,
   * pure-ASCII text. The files keep the comments for whoever reads them.
   */
  static String withoutComments(String script) {
    StringBuilder out = new StringBuilder(script.length());
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  static String resource(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream("redis/" + name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script org/onecexporter/queue/redis/" + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
