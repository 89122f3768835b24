package org.onecexporter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.onecexporter.config.Env;
import org.onecexporter.console.OperationsData;
import org.onecexporter.db.Database;
import org.onecexporter.db.OrderSources;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", description = {
    "Where is an order's invoice: one JSON document.",
    "The order (status, paid, flag, invoice number, 1C document), where it is now, its job (state, attempts, due",
    "time, last error) or DLQ entry, and its attempts, oldest first.",
    "The order is read as the workers read it (DATABASE_URL: PostgreSQL or MariaDB/MySQL; ORDER_SOURCE).",
    "Exit 0 when the order exists, 3 when it does not. With Redis unreachable it answers from the database alone",
    "(\"queue\":\"unknown: …\"): exit 0 when the database settles it (exported, cancelled, never_created,",
    "cancel_refused), 5 for another (where its job is, is unknown)."})
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "<order_id>", description = "the shop's order id")
  long orderId;

  @Override
  public Integer call() {
    Env env = Env.system();
    try (Database database = Unreachable.database(env, 2)) {
      OrderStore orders = new SqlOrderStore(database.jdbi(), database.dialect(),
          OrderSources.fromEnv(env, database.dialect()));
      orders.requireTables();
      QueueAccess access;
      try {
        access = new QueueAccess(env);
      } catch (RedisUnavailableException e) {
        return answer(new OperationsData(database.jdbi(), orders, null, Clock.systemUTC()).status(orderId, e.getMessage()),
            e.getMessage());
      }
      try (access) {
        return answer(new OperationsData(database.jdbi(), orders, access.queue(), Clock.systemUTC()).status(orderId), null);
      }
    }
  }

  /**
   * Prints the document and one line; with Redis down ({@code redisDown}), what the database settles (exported,
   * cancelled, never created, cancel refused) is still a full answer (exit 0), any other's job is unknown (exit 5).
   */
  private int answer(ObjectNode status, String redisDown) {
    spec.commandLine().getOut().println(Json.write(status));
    var err = spec.commandLine().getErr();
    if (status.get("order").isNull()) {
      err.printf("order %d does not exist%n", orderId);
      return ExitCodes.REJECTED;
    }
    String where = status.get("where").asText();
    if (redisDown == null) {
      err.printf("order %d: %s%n", orderId, where);
      return ExitCodes.OK;
    }
    if (OperationsData.settledByTheDatabase(where)) {
      err.printf("order %d: %s (its job is not shown: %s)%n", orderId, where, redisDown);
      return ExitCodes.OK;
    }
    err.printf("order %d: not exported; where its job is, is unknown: %s%n", orderId, redisDown);
    return ExitCodes.UNAVAILABLE;
  }
}
