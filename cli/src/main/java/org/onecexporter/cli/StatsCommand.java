package org.onecexporter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.json.Json;
import org.onecexporter.queue.admin.QueueStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "stats", description = "Fleet-wide queue sizes, the oldest waiting job's age and counters, as JSON.")
final class StatsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Option(names = "--window-minutes", defaultValue = "15",
      description = "percentiles over exports of the last N minutes (default ${DEFAULT-VALUE})")
  int windowMinutes;

  @Override
  public Integer call() {
    try (QueueAccess access = new QueueAccess(Env.system())) {
      QueueStats.Stats s = access.queue().stats();
      QueueStats.Timings t = access.queue().queueStats().timings(java.time.Duration.ofMinutes(windowMinutes));
      ObjectNode out = Json.MAPPER.createObjectNode()
          .put("ready", s.ready()).put("delayed", s.delayed()).put("active", s.active()).put("dlq", s.dlq());
      if (s.oldestWaiting().isPresent()) {
        out.put("oldest_waiting_seconds", s.oldestWaiting().get().toMillis() / 1000.0);
      } else {
        out.putNull("oldest_waiting_seconds");
      }
      ObjectNode counters = out.putObject("counters");
      s.counters().forEach(counters::put);
      ObjectNode timings = out.putObject("export_time");
      timings.put("window_minutes", windowMinutes).put("exports", t.count());
      ObjectNode queued = timings.putObject("queued_to_exported_ms");
      put(queued, "p50", t.jobP50());
      put(queued, "p95", t.jobP95());
      put(queued, "p99", t.jobP99());
      ObjectNode call = timings.putObject("onec_call_ms");
      put(call, "p50", t.callP50());
      put(call, "p95", t.callP95());
      put(call, "p99", t.callP99());
      spec.commandLine().getOut().println(Json.write(out));
    }
    return ExitCodes.OK;
  }

  private static void put(ObjectNode node, String name, java.util.Optional<java.time.Duration> value) {
    if (value.isPresent()) {
      node.put(name, value.get().toMillis());
    } else {
      node.putNull(name);
    }
  }
}
