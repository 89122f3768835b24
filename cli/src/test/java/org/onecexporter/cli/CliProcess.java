package org.onecexporter.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code onec-exporter} (or another main class of this classpath) as a separate JVM, as a user's shell would,
 * with exactly the given environment.
 */
public final class CliProcess {
  record Result(int exitCode, String stdout, String stderr) {}

  private CliProcess() {}

  /**
   * The environment of a command against the test's database, its Redis key prefix, the emulator and a log folder
   * of its own: a new map the test may change.
   */
  static Map<String, String> env(org.onecexporter.testing.TestDatabase db,
      org.onecexporter.queue.testing.RedisExtension.TestRedis redis, org.onecexporter.emulator.EmulatorServer emulator,
      Path logDir) {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("LOG_DIR", logDir.toString());
    env.put("ONEC_BASE_URL", emulator.baseUrl());
    env.put("ONEC_USERNAME", org.onecexporter.emulator.EmulatorConfig.DEFAULT_USERNAME);
    env.put("ONEC_PASSWORD", org.onecexporter.emulator.EmulatorConfig.DEFAULT_PASSWORD);
    return env;
  }

  /** A JVM for {@code mainClass} with exactly {@code env} (plus PATH), stdin from /dev/null. */
  private static ProcessBuilder builder(Map<String, String> env, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> processEnv = builder.environment();
    processEnv.clear();
    processEnv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    processEnv.putAll(new HashMap<>(env));
    return builder;
  }

  /** Starts {@code mainClass} in the background (a worker, the enqueuer service); its output goes to {@code output}. */
  public static Process start(Map<String, String> env, Path output, String mainClass, String... args)
      throws IOException {
    return builder(env, mainClass, args).redirectErrorStream(true).redirectOutput(output.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
  }

  /** {@link #run}, with the command's stdout and stderr added to {@code outputs} (a test that reads every output). */
  static Result runRecorded(List<String> outputs, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Result result = run(env, args);
    outputs.add(String.join(" ", args) + " stdout: " + result.stdout());
    outputs.add(String.join(" ", args) + " stderr: " + result.stderr());
    return result;
  }

  static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    ProcessBuilder builder = builder(env, OnecExporterCli.class.getName(), args);
    List<String> command = builder.command();
    Process process = builder.start();
    process.getOutputStream().close();
    var stdout = process.getInputStream();
    var stderr = process.getErrorStream();
    StringBuilder err = new StringBuilder();
    Thread errReader = Thread.ofVirtual().start(() -> {
      try {
        err.append(new String(stderr.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process ended
      }
    });
    String out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("onec-exporter did not finish in 120 s: " + command);
    }
    errReader.join();
    return new Result(process.exitValue(), out, err.toString());
  }
}
