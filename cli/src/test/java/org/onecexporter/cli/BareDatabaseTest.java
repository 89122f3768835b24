package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onecexporter.db.Dialect;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * A database that answers but holds none of the order tables (a new database, a wrong schema, the shop's own
 * tables without ORDER_SOURCE): every command that reads orders says so in one line, with what to do, and exits 2
 * (a configuration error) instead of exit 1 with "relation "orders" does not exist". On PostgreSQL and on MariaDB
 * ({@link BareDatabaseOnMariaDbTest}).
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class BareDatabaseTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  private String bareSchema;
  @TempDir
  Path logDir;

  BareDatabaseTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @BeforeEach
  void bareSchema() {
    bareSchema = db.schema() + "_bare";
    db.jdbi().useHandle(h -> h.execute("CREATE SCHEMA IF NOT EXISTS " + bareSchema));
  }

  @AfterEach
  void dropBareSchema() {
    db.jdbi().useHandle(h -> h.execute(db.dialect() == Dialect.POSTGRESQL
        ? "DROP SCHEMA IF EXISTS " + bareSchema + " CASCADE" : "DROP DATABASE IF EXISTS " + bareSchema));
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(
        org.onecexporter.worker.WorkerProcesses.environment(db, redis, emulator, logDir));
    // PostgreSQL: another schema on the search path; MariaDB (a schema is a database there): another database.
    env.put("DATABASE_URL", db.dialect() == Dialect.POSTGRESQL
        ? db.config().jdbcUrl().replace("currentSchema=" + db.schema(), "currentSchema=" + bareSchema)
        : db.config().jdbcUrl().replace("/" + db.schema(), "/" + bareSchema));
    return env;
  }

  @ParameterizedTest
  @ValueSource(strings = {"status 1", "export 1"})
  void a_database_without_the_order_tables_is_a_configuration_error_in_one_line(String command) throws Exception {
    CliProcess.Result result = CliProcess.run(env(), command.split(" "));

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.stderr().lines().filter(l -> !l.isBlank()).toList()).as(result.stderr()).singleElement()
        .asString()
        .contains(db.dialect() == Dialect.POSTGRESQL ? "\"orders\" does not exist" : "orders' doesn't exist",
            "ORDER_SOURCE=reference", "onec-exporter migrate", "docs/shops.md")
        .doesNotContain("Exception", "\tat ");
  }
}
