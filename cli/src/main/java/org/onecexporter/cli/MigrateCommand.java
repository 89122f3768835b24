package org.onecexporter.cli;

import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "migrate", description = {
    "Creates or updates the reference schema in DATABASE_URL (Flyway).",
    "With ORDER_SOURCE set to a platform, only the exporter's own tables (ledger, invoice counters, attempt",
    "history) beside the platform's."})
final class MigrateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    DatabaseConfig config = DatabaseConfig.fromEnv(Env.system());
    boolean ownLedger = org.onecexporter.db.OrderSources.fromEnv(Env.system()).ownLedger();
    try (Database database = Unreachable.checked(new Database(config, 2))) {
      MigrateResult result = database.migrate(ownLedger);
      spec.commandLine().getOut().printf("schema at version %s (%d migration(s) applied) in %s%n",
          result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
          result.migrationsExecuted, org.onecexporter.config.Redact.url(config.jdbcUrl()));
      return ExitCodes.OK;
    }
  }
}
