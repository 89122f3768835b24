package org.onecexporter.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.queue.JobQueue;
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
      for (long id : orderIds) {
        JobQueue.EnqueueResult r = access.queue().enqueue(Long.toString(id), "cli");
        spec.commandLine().getOut().printf("{\"order_id\":%d,\"status\":\"%s\",\"state\":\"%s\"}%n", id,
            r.queued() ? "queued" : "already_queued", r.state());
      }
    }
    return ExitCodes.OK;
  }
}
