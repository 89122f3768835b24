package org.onecexporter.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.db.Database;
import org.onecexporter.worker.Reconciler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "reconcile", description = {
    "Queues every paid, unexported order older than RECONCILE_MIN_AGE_SECONDS that has no job (once, now).",
    "Workers also do this every RECONCILE_INTERVAL_SECONDS."})
final class ReconcileCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Env env = Env.system();
    Duration minAge = env.seconds("RECONCILE_MIN_AGE_SECONDS", Duration.ofSeconds(120), true);
    try (Database db = Unreachable.database(env, 2); QueueAccess access = new QueueAccess(env)) {
      org.onecexporter.db.OrderStore orders = new org.onecexporter.db.SqlOrderStore(db.jdbi(), db.dialect(),
          org.onecexporter.db.OrderSources.fromEnv(env));
      orders.requireTables();
      Reconciler.Report r = new Reconciler(orders,
          new org.onecexporter.history.AttemptHistoryRepository(db.jdbi(), db.dialect()), access.queue(), minAge).run();
      spec.commandLine().getOut().printf("{\"candidates\":%d,\"queued\":%d,\"requeued_from_dlq\":%d}%n",
          r.candidates(), r.queued(), r.requeued());
    }
    return ExitCodes.OK;
  }
}
