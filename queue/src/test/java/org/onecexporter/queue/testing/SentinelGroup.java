package org.onecexporter.queue.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Redis primary, one replica and three sentinels, all {@code redis-server} processes on loopback ports chosen
 * free at start, in a temporary directory; {@link #close()} kills every one and deletes the directory. The data
 * nodes and the sentinels each require a password of their own. The sentinels call the primary down after 1 s
 * without an answer and fail over with a quorum of 2.
 */
public final class SentinelGroup implements AutoCloseable {
  public static final String MASTER = "mymaster";
  public static final String DATA_PASSWORD = "data-secret";
  public static final String SENTINEL_PASSWORD = "sentinel-secret";

  private final Path dir;
  private final Map<Integer, Process> processes = new HashMap<>();
  private final int primary;
  private final int replica;
  private final List<Integer> sentinels = new ArrayList<>();

  private SentinelGroup(Path dir) throws IOException {
    this.dir = dir;
    this.primary = freePort();
    this.replica = freePort();
    for (int i = 0; i < 3; i++) {
      sentinels.add(freePort());
    }
  }

  /** Starts every process and returns once the replica is in sync and each sentinel knows the other two. */
  public static SentinelGroup start() throws IOException, InterruptedException {
    SentinelGroup group = new SentinelGroup(Files.createTempDirectory("redis-sentinel"));
    try {
      group.startAll();
      return group;
    } catch (IOException | InterruptedException | RuntimeException e) {
      group.close();
      throw e;
    }
  }

  private void startAll() throws IOException, InterruptedException {
    startData(primary, List.of());
    startData(replica, List.of("--replicaof", "127.0.0.1", Integer.toString(primary)));
    for (int port : sentinels) {
      Path conf = dir.resolve("sentinel-" + port + ".conf");
      Files.writeString(conf, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "dir " + dir,
          "requirepass " + SENTINEL_PASSWORD,
          "sentinel sentinel-pass " + SENTINEL_PASSWORD,
          "sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " 2",
          "sentinel auth-pass " + MASTER + " " + DATA_PASSWORD,
          "sentinel down-after-milliseconds " + MASTER + " 1000",
          "sentinel failover-timeout " + MASTER + " 4000",
          "sentinel parallel-syncs " + MASTER + " 1",
          ""));
      processes.put(port, new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
          .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel-" + port + ".log").toFile()).start());
    }
    await(Duration.ofSeconds(20), "the replica in sync", () ->
        cli(replica, DATA_PASSWORD, "INFO", "replication").contains("master_link_status:up"));
    for (int port : sentinels) {
      await(Duration.ofSeconds(20), "sentinel " + port + " knowing the replica and the other sentinels", () -> {
        Map<String, String> master = pairs(cli(port, SENTINEL_PASSWORD, "--raw", "SENTINEL", "MASTER", MASTER));
        return "1".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
      });
    }
  }

  private void startData(int port, List<String> extra) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb", "--save", "",
        "--appendonly", "no", "--requirepass", DATA_PASSWORD, "--masterauth", DATA_PASSWORD,
        "--maxmemory-policy", "noeviction"));
    command.addAll(extra);
    processes.put(port, new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
    await(Duration.ofSeconds(10), "redis on " + port, () -> cli(port, DATA_PASSWORD, "PING").contains("PONG"));
  }

  /** {@code REDIS_URL} for this group: the data nodes' password and the three sentinels. */
  public String url() {
    return "redis-sentinel://:" + DATA_PASSWORD + "@"
        + String.join(",", sentinels.stream().map(p -> "127.0.0.1:" + p).toList()) + "#" + MASTER;
  }

  public int primaryPort() {
    return primary;
  }

  public int replicaPort() {
    return replica;
  }

  /** SIGKILL to the primary: no shutdown, no last write to the replica. */
  public void killPrimary() throws InterruptedException {
    Process p = processes.get(primary);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /** The port of the primary a majority of the sentinels name now (-1 while they disagree). */
  public int masterPort() {
    Map<Integer, Integer> votes = new HashMap<>();
    for (int port : sentinels) {
      String[] answer = cli(port, SENTINEL_PASSWORD, "--raw", "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
          .strip().split("\\s+");
      if (answer.length == 2 && answer[1].matches("\\d+")) {
        votes.merge(Integer.parseInt(answer[1]), 1, Integer::sum);
      }
    }
    return votes.entrySet().stream().filter(e -> e.getValue() >= 2).map(Map.Entry::getKey).findFirst().orElse(-1);
  }

  /** The value of one field of a data node's {@code INFO replication} (its role, its replication offset). */
  public String replicationInfo(int port, String field) {
    for (String line : cli(port, DATA_PASSWORD, "INFO", "replication").split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).strip();
      }
    }
    return "";
  }

  /** A command to one data node (the primary or the replica); its raw answer. */
  public String command(int port, String... args) {
    return cli(port, DATA_PASSWORD, args);
  }

  /** The directory holding every process's log (for a failure's message). */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }

  private static Map<String, String> pairs(String raw) {
    String[] lines = raw.split("\r?\n");
    Map<String, String> result = new HashMap<>();
    for (int i = 0; i + 1 < lines.length; i += 2) {
      result.put(lines[i].strip(), lines[i + 1].strip());
    }
    return result;
  }

  /** redis-cli against a loopback port; the password travels in REDISCLI_AUTH, not on the command line. */
  private static String cli(int port, String password, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().put("REDISCLI_AUTH", password);
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private interface Check {
    boolean ok();
  }

  private void await(Duration atMost, String what, Check check) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what + "; logs in " + dir);
      }
      Thread.sleep(100);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
