package org.onecexporter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.console.OperationsData;
import org.onecexporter.db.Database;
import org.onecexporter.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", description = {
    "Where is an order's invoice? One JSON document: the order (status, paid, flag, invoice number, 1C document),",
    "where it is now, its job (state, attempts, due time, last error) or DLQ entry, and its attempts, oldest first.",
    "Exit 0 when the order exists, 3 when it does not."})
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "<order_id>", description = "orders.id")
  long orderId;

  @Override
  public Integer call() {
    Env env = Env.system();
    try (Database database = new Database(DatabaseConfig.fromEnv(env), 2);
        QueueAccess access = new QueueAccess(env)) {
      ObjectNode status = new OperationsData(database.jdbi(), access.queue(), Clock.systemUTC()).status(orderId);
      spec.commandLine().getOut().println(Json.write(status));
      if (status.get("order").isNull()) {
        spec.commandLine().getErr().printf("order %d does not exist%n", orderId);
        return ExitCodes.REJECTED;
      }
      spec.commandLine().getErr().printf("order %d: %s%n", orderId, status.get("where").asText());
      return ExitCodes.OK;
    }
  }
}
