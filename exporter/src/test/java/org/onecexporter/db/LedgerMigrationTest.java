package org.onecexporter.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.testing.MariaDbExtension;

/**
 * migrate with a platform preset runs in the shop's own database, which already holds the platform's tables: our
 * tables are added beside them (Flyway would otherwise refuse a non-empty schema without its history table), and
 * a second run has nothing to do.
 */
class LedgerMigrationTest {
  @Test
  void our_tables_go_beside_the_platforms_and_a_second_run_changes_nothing() {
    DatabaseConfig server = MariaDbExtension.server();
    String name = "t_ledgermigration_" + UUID.randomUUID().toString().substring(0, 8);
    try (Database admin = new Database(server, 1)) {
      admin.jdbi().useHandle(h -> h.execute("CREATE DATABASE " + name));
      String url = server.jdbcUrl().substring(0, server.jdbcUrl().lastIndexOf('/') + 1) + name;
      try (Database shop = new Database(new DatabaseConfig(url, server.user(), server.password()), 2)) {
        shop.jdbi().useHandle(h -> h.execute("CREATE TABLE wp_wc_orders (id BIGINT UNSIGNED PRIMARY KEY)"));

        assertThat(shop.migrateLedger().migrationsExecuted).as("V1 the ledger, V2 its cancellation columns, V3 the leases")
            .isEqualTo(3);
        assertThat(shop.migrateLedger().migrationsExecuted).isZero();

        List<String> tables = shop.jdbi().withHandle(h -> h.createQuery("SHOW TABLES").mapTo(String.class).list());
        assertThat(tables).containsExactlyInAnyOrder("wp_wc_orders", "onec_exporter_ledger", "invoice_number_counters",
            "export_attempts", "onec_exporter_leases", "onec_exporter_schema_history");
      } finally {
        admin.jdbi().useHandle(h -> h.execute("DROP DATABASE " + name));
      }
    }
  }
}
