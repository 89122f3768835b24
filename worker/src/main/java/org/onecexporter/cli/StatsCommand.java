package org.onecexporter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "stats", description = "Fleet-wide queue sizes, the oldest waiting job's age and counters, as JSON.")
final class StatsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    try (QueueAccess access = new QueueAccess(Env.system())) {
      JobQueue.Stats s = access.queue().stats();
      ObjectNode out = Json.MAPPER.createObjectNode()
          .put("ready", s.ready()).put("delayed", s.delayed()).put("active", s.active()).put("dlq", s.dlq());
      if (s.oldestWaiting().isPresent()) {
        out.put("oldest_waiting_seconds", s.oldestWaiting().get().toMillis() / 1000.0);
      } else {
        out.putNull("oldest_waiting_seconds");
      }
      ObjectNode counters = out.putObject("counters");
      s.counters().forEach(counters::put);
      spec.commandLine().getOut().println(Json.write(out));
    }
    return ExitCodes.OK;
  }
}
