package org.onecexporter.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Redact;

/**
 * {@code ops/onec-exporter}: the operator's command (its commands are picocli classes named in {@link RootCommand}).
 * Exit codes are listed in {@link ExitCodes}.
 *
 * <p>A plain {@code worker} does not go through picocli: the worker is the command that starts most often (a
 * container restart, a scale-out) and its start is measured (ops/bench step 8, start to the first call to 1C).
 * picocli's classes are compiled for Java 5, which a class-data archive (AppCDS, the JDK's AOT cache) cannot hold,
 * so they are read and verified at every start: about 0.3 s of a 2 s start on one core. This class therefore names
 * no picocli type; {@code worker --help} and every other command go to {@link RootCommand}.
 */
public final class OnecExporterCli {
  private OnecExporterCli() {}

  public static void main(String[] args) {
    org.onecexporter.ops.TracingSetup.quietUnlessRequested(System.getenv());
    // UTF-8 whatever the locale: a systemd unit or a slim container runs with POSIX, and Cyrillic must survive.
    System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
  }

  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 1 && args[0].equals("worker")) {
      try {
        return new WorkerCommand().call();
      } catch (Exception e) {
        return failed(e, err);
      }
    }
    return RootCommand.run(args, out, err);
  }

  /** A command that failed: one line on stderr, secrets redacted, and its exit code. */
  static int failed(Exception e, PrintWriter err) {
    if (e instanceof ConfigException || e instanceof org.onecexporter.queue.QueueConfigException
        || e instanceof org.onecexporter.db.MissingTablesException) {
      err.println("onec-exporter: configuration error: " + Redact.inText(e.getMessage()));
      return ExitCodes.USAGE;
    }
    java.util.Optional<String> unreachable = Unreachable.line(e, org.onecexporter.config.Env.system());
    if (unreachable.isPresent()) {
      err.println("onec-exporter: " + Redact.inText(unreachable.get()));
      return ExitCodes.UNAVAILABLE;
    }
    err.println("onec-exporter: " + Redact.inText(e.toString()));
    return ExitCodes.INTERNAL;
  }
}
