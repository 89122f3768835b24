package org.onecexporter.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.onecexporter.cli.CliProcess;
import org.onecexporter.cli.OnecExporterCli;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.TestDatabase;

/**
 * Worker processes ({@code onec-exporter worker}) on a test's database, Redis and 1C emulator, each writing its
 * output to {@code <logDir>/<id>.out}; {@link #close} kills what is still running.
 */
public final class WorkerProcesses implements AutoCloseable {
  private static final Pattern PORT_LINE = Pattern.compile("metrics and health on port (\\d+)");

  private final Map<String, String> env;
  private final Path logDir;
  private final List<Process> processes = new ArrayList<>();

  public WorkerProcesses(TestDatabase db, TestRedis redis, EmulatorServer emulator, Path logDir) {
    this.env = environment(db, redis, emulator, logDir);
    this.logDir = logDir;
  }

  /** What a command of this project needs to reach the test's database, Redis and emulator, logging to logDir. */
  public static Map<String, String> environment(TestDatabase db, TestRedis redis, EmulatorServer emulator,
      Path logDir) {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("ONEC_BASE_URL", emulator.baseUrl());
    env.put("ONEC_USERNAME", EmulatorConfig.DEFAULT_USERNAME);
    env.put("ONEC_PASSWORD", EmulatorConfig.DEFAULT_PASSWORD);
    env.put("LOG_DIR", logDir.toString());
    return env;
  }

  /** Starts worker {@code id}; {@code extra} overrides or adds variables. */
  public Process start(String id, Map<String, String> extra) throws IOException {
    Map<String, String> workerEnv = new HashMap<>(env);
    workerEnv.put("WORKER_ID", id);
    workerEnv.putAll(extra);
    Process process = CliProcess.start(workerEnv, output(id), OnecExporterCli.class.getName(), "worker");
    processes.add(process);
    return process;
  }

  public Path output(String id) {
    return logDir.resolve(id + ".out");
  }

  /** What worker {@code id} printed so far (empty before it printed anything). */
  public String text(String id) throws IOException {
    return Files.exists(output(id)) ? Files.readString(output(id)) : "";
  }

  /** The metrics and health port worker {@code id} announced, once it did. */
  public OptionalInt port(String id) throws IOException {
    Matcher m = PORT_LINE.matcher(text(id));
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }
}
