package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;
import picocli.CommandLine;

/**
 * What a newcomer reads first: {@code --help} on every command, a top-level help whose lines are whole, and no
 * noise on stderr (the OpenTelemetry hint, routine work at WARN).
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class FirstUseOutputTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  @TempDir
  Path logDir;

  FirstUseOutputTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  private record Output(int exitCode, String out, String err) {}

  private static Output inProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OnecExporterCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Output(code, out.toString(), err.toString());
  }

  /** Every command path: {@code export}, {@code dlq list}, … */
  private static List<List<String>> commandPaths(CommandLine command, List<String> prefix) {
    List<List<String>> paths = new ArrayList<>();
    command.getSubcommands().forEach((name, sub) -> {
      if (name.equals("help")) {
        return;
      }
      List<String> path = new ArrayList<>(prefix);
      path.add(name);
      paths.add(path);
      paths.addAll(commandPaths(sub, path));
    });
    return paths;
  }

  @Test
  void every_command_answers_help_with_its_usage_and_exit_0() {
    List<List<String>> paths = commandPaths(new CommandLine(new RootCommand()), List.of());
    assertThat(paths).hasSizeGreaterThan(12).contains(List.of("export"), List.of("dlq", "list"));
    for (List<String> path : paths) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Output help = inProcess(args.toArray(String[]::new));
        assertThat(help.exitCode()).as("%s: %s", args, help.err()).isZero();
        assertThat(help.out()).as("%s", args).contains("Usage: onec-exporter " + String.join(" ", path));
      }
    }
  }

  @Test
  void the_top_level_help_lists_each_command_in_whole_sentences_and_keeps_urls_whole() {
    Output help = inProcess("--help");

    assertThat(help.exitCode()).isZero();
    String text = help.out();
    assertThat(text).doesNotContainPattern("https?:\\s").doesNotContainPattern("https?:\\s*\\n");
    String commands = text.substring(text.indexOf("Commands:"), text.indexOf("Exit codes:"));
    // Each entry's text ends a sentence: a description cut after its first line ended in a comma.
    List<String> entries = new ArrayList<>();
    for (String line : commands.lines().skip(1).toList()) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("  ") && !line.startsWith("    ")) {
        entries.add(line.strip());
      } else {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
      }
    }
    assertThat(entries).hasSizeGreaterThan(8).allSatisfy(e -> assertThat(e).endsWith("."));
  }

  private Map<String, String> env() {
    return CliProcess.env(db, redis, emulator, logDir);
  }

  @Test
  void an_export_prints_its_result_and_no_opentelemetry_hint() throws Exception {
    db.truncate();
    aPaidOrder(41).insert(db.jdbi());

    CliProcess.Result export = CliProcess.run(env(), "export", "41");

    assertThat(export.exitCode()).as(export.stderr()).isZero();
    assertThat(export.stderr()).doesNotContain("-Dotel", "AutoConfiguredOpenTelemetrySdk");
    List<String> lines = export.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines.get(lines.size() - 1)).as(export.stderr()).startsWith("Order 41 exported to 1C as ");
    assertThat(lines).as(export.stderr()).allSatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*|Order 41 .*"));
  }

  @Test
  void the_reconcilers_routine_work_is_logged_at_info() throws Exception {
    db.truncate();
    redis.queue().deleteAll();
    aPaidOrder(42).insert(db.jdbi());
    Map<String, String> env = env();
    env.put("RECONCILE_MIN_AGE_SECONDS", "0");

    CliProcess.Result reconcile = CliProcess.run(env, "reconcile");

    assertThat(reconcile.exitCode()).as(reconcile.stderr()).isZero();
    assertThat(reconcile.stdout()).contains("\"queued\":1");
    assertThat(reconcile.stderr().lines().filter(l -> l.contains("reconciler queued 1 paid order(s)")))
        .as(reconcile.stderr()).singleElement().asString().contains(" INFO ");
    assertThat(reconcile.stderr()).doesNotContain(" WARN ", "-Dotel");
  }
}
