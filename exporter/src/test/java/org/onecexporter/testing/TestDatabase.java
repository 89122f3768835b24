package org.onecexporter.testing;

import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.db.Database;

/** A migrated schema of its own for one test class. */
public record TestDatabase(Database database, DatabaseConfig config, String schema) {
  public Jdbi jdbi() {
    return database.jdbi();
  }

  /** The environment a child process needs to reach this schema. */
  public Map<String, String> env() {
    return Map.of("DATABASE_URL", config.jdbcUrl(), "DATABASE_USER", config.user(), "DATABASE_PASSWORD",
        config.password());
  }

  public void truncate() {
    jdbi().useHandle(h -> h.execute("TRUNCATE order_items, orders, invoice_number_counters"));
  }
}
