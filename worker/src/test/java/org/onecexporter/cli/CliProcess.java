package org.onecexporter.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code onec-exporter} as a separate JVM, as a user's shell would, with exactly the given environment. */
final class CliProcess {
  record Result(int exitCode, String stdout, String stderr) {}

  private CliProcess() {}

  static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OnecExporterCli.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> processEnv = builder.environment();
    processEnv.clear();
    processEnv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    processEnv.putAll(new HashMap<>(env));
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
