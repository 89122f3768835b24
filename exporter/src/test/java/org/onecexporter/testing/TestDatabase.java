package org.onecexporter.testing;

import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.db.Database;
import org.onecexporter.db.Dialect;

/** A migrated schema (PostgreSQL) or database (MariaDB/MySQL) of its own for one test class. */
public record TestDatabase(Database database, DatabaseConfig config, String schema) {
  public Jdbi jdbi() {
    return database.jdbi();
  }

  public Dialect dialect() {
    return database.dialect();
  }

  /** The environment a child process needs to reach this schema. */
  public Map<String, String> env() {
    return Map.of("DATABASE_URL", config.jdbcUrl(), "DATABASE_USER", config.user(), "DATABASE_PASSWORD",
        config.password());
  }

  public void truncate() {
    if (dialect() == Dialect.POSTGRESQL) {
      jdbi().useHandle(h -> h.execute(
          "TRUNCATE order_items, orders, invoice_number_counters, onec_exporter_leases, onec_exporter_ledger"));
      return;
    }
    jdbi().useHandle(h -> {
      h.execute("DELETE FROM order_items");
      h.execute("DELETE FROM orders");
      h.execute("DELETE FROM invoice_number_counters");
      h.execute("DELETE FROM onec_exporter_leases");
      h.execute("DELETE FROM onec_exporter_ledger");
    });
  }
}
