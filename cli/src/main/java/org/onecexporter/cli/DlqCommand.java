package org.onecexporter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.console.DlqEntries;
import org.onecexporter.json.Json;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.queue.OrderIds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "dlq", description = "The dead-letter queue: jobs that need a person.",
    subcommands = {DlqCommand.List.class, DlqCommand.Show.class, DlqCommand.Requeue.class, DlqCommand.Drop.class,
        DlqCommand.Purge.class})
final class DlqCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say list, show, requeue, drop or purge");
  }

  @Command(name = "list", description = "One JSON line per entry, newest first.")
  static final class List implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
      try (QueueAccess access = new QueueAccess(Env.system())) {
        PrintWriter out = spec.commandLine().getOut();
        for (JsonNode entry : DlqEntries.read(access.queue(), limit)) {
          out.println(Json.write(entry));
        }
        long length = access.queue().deadLetters().length();
        spec.commandLine().getErr().printf("%d entr%s in the DLQ%n", length, length == 1 ? "y" : "ies");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", description = "An order's DLQ entry and job record.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<order_id>")
    String orderId;

    @Override
    public Integer call() {
      try (QueueAccess access = new QueueAccess(Env.system())) {
        ObjectNode result = Json.MAPPER.createObjectNode().put("order_id", orderId);
        // The entry from the order's record (as the scripts build it), not by reading the whole DLQ.
        Map<String, String> job = access.queue().job(orderId);
        JsonNode entry = DlqEntries.fromRecord(orderId, job);
        result.set("dlq_entry", entry);
        ObjectNode record = result.putObject("job");
        job.forEach((k, v) -> {
          if (!k.equals("token")) {
            record.put(k, v);
          }
        });
        spec.commandLine().getOut().println(Json.write(result));
        return entry == null ? ExitCodes.REJECTED : ExitCodes.OK;
      }
    }
  }

  @Command(name = "requeue", description = "Back to the queue with attempts reset: one order, or --all.")
  static final class Requeue implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "<order_id>")
    String orderId;

    @Option(names = "--all", description = "every entry")
    boolean all;

    @Override
    public Integer call() {
      if (all == (orderId != null)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "give one <order_id> or --all");
      }
      // Every entry is --all and only --all: '*' (a shell glob's leftover) is refused like any malformed id.
      if (!all && !org.onecexporter.queue.JobIds.valid(orderId)) {
        throw new CommandLine.ParameterException(spec.commandLine(), OrderIds.INVALID + ": "
            + LogSafe.id(orderId) + " (every entry: dlq requeue --all)");
      }
      try (QueueAccess access = new QueueAccess(Env.system())) {
        long n = all ? access.queue().deadLetters().requeueAll() : access.queue().deadLetters().requeue(orderId);
        spec.commandLine().getOut().printf("{\"requeued\":%d}%n", n);
        return n == 0 && !all ? ExitCodes.REJECTED : ExitCodes.OK;
      }
    }
  }

  @Command(name = "drop", description = "Drops one order's DLQ entry and its job record; the rest stays.")
  static final class Drop implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<order_id>")
    String orderId;

    @Override
    public Integer call() {
      try (QueueAccess access = new QueueAccess(Env.system())) {
        long n = access.queue().deadLetters().drop(orderId);
        spec.commandLine().getOut().printf("{\"dropped\":%d}%n", n);
        if (n == 0) {
          spec.commandLine().getErr().printf("order %s has no DLQ entry%n", orderId);
          return ExitCodes.REJECTED;
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "purge", description = "Drops every DLQ entry and its job record (needs --yes).")
  static final class Purge implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--yes", required = true, description = "confirm")
    boolean yes;

    @Override
    public Integer call() {
      try (QueueAccess access = new QueueAccess(Env.system())) {
        spec.commandLine().getOut().printf("{\"purged\":%d}%n", access.queue().deadLetters().purge());
      }
      return ExitCodes.OK;
    }
  }
}
