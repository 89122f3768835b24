package org.onecexporter.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.queue.model.EnqueueResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "enqueue", description = {
    "Queues invoice exports for the given orders (as the payment processor's enqueuer does).",
    "Prints one JSON line per order: order_id, status (queued or already_queued), state."})
final class EnqueueCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "<order_id>", description = "orders.id values")
  List<Long> orderIds;

  @Override
  public Integer call() {
    try (QueueAccess access = new QueueAccess(Env.system())) {
      // One script call per 1,000 orders (enqueue_all.lua), the same one-job-per-order rule as a single enqueue.
      List<EnqueueResult> results =
          access.queue().enqueueAll(orderIds.stream().map(String::valueOf).toList(), "cli");
      for (int i = 0; i < orderIds.size(); i++) {
        EnqueueResult r = results.get(i);
        spec.commandLine().getOut().printf("{\"order_id\":%d,\"status\":\"%s\",\"state\":\"%s\"}%n",
            orderIds.get(i), r.queued() ? "queued" : "already_queued", r.state());
      }
    }
    return ExitCodes.OK;
  }
}
