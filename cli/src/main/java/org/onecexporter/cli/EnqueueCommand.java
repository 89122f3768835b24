package org.onecexporter.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.queue.JobIds;
import org.onecexporter.queue.OrderIds;
import org.onecexporter.queue.model.EnqueueResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "enqueue", description = {
    "Queues invoice exports for the given orders, as the payment processor's enqueuer does.",
    "With --cancel it queues the cancellation of their invoices in 1C instead (after a full refund or a",
    "cancellation: the invoice is marked for deletion, or never created if its export has not run yet).",
    "Prints one JSON line per order: order_id, status (queued or already_queued), state (and job: cancel:<id>)."})
final class EnqueueCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "<order_id>", description = "orders.id values")
  List<Long> orderIds;

  @picocli.CommandLine.Option(names = "--cancel", description = "cancel the orders' invoices in 1C instead")
  boolean cancel;

  @Override
  public Integer call() {
    try (QueueAccess access = new QueueAccess(Env.system())) {
      // One script call per 1,000 orders (enqueue_all.lua), the same one-job-per-order rule as a single enqueue.
      for (long id : orderIds) {
        if (cancel && id <= 0) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), OrderIds.INVALID + ": " + id);
        }
      }
      List<EnqueueResult> results = access.queue().enqueueAll(orderIds.stream()
          .map(id -> cancel ? JobIds.cancel(id) : String.valueOf(id)).toList(), "cli");
      for (int i = 0; i < orderIds.size(); i++) {
        EnqueueResult r = results.get(i);
        spec.commandLine().getOut().printf("{\"order_id\":%d,\"status\":\"%s\",\"state\":\"%s\"%s}%n",
            orderIds.get(i), r.queued() ? "queued" : "already_queued", r.state(),
            cancel ? ",\"job\":\"" + JobIds.cancel(orderIds.get(i)) + "\"" : "");
      }
    }
    return ExitCodes.OK;
  }
}
