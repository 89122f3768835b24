package org.onecexporter.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.db.Database;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Gives each test class a fresh, migrated schema of its own. PostgreSQL comes from {@code DATABASE_URL} when it
 * is set (CI and this machine), from Testcontainers where a Docker engine runs, and otherwise the test fails
 * with a message saying which to provide. Inject {@link TestDatabase} into a constructor, a lifecycle method or
 * a test.
 */
public class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

  /** True: the exporter's own tables only ({@link Database#migrateLedger}); false: the reference schema. */
  protected boolean ledgerOnly() {
    return false;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    DatabaseConfig server = server(context);
    String schema = "t_" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT) + "_"
        + UUID.randomUUID().toString().substring(0, 8);
    execute(server, "CREATE SCHEMA " + schema);
    String url = server.jdbcUrl() + (server.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    DatabaseConfig config = new DatabaseConfig(url, server.user(), server.password());
    Database database = new Database(config, 12);
    database.migrate(ledgerOnly());
    context.getStore(NS).put(TestDatabase.class, new TestDatabase(database, config, schema));
    context.getStore(NS).put("server", server);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    TestDatabase db = context.getStore(NS).remove(TestDatabase.class, TestDatabase.class);
    DatabaseConfig server = context.getStore(NS).remove("server", DatabaseConfig.class);
    if (db != null) {
      db.database().close();
      execute(server, "DROP SCHEMA IF EXISTS " + db.schema() + " CASCADE");
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getStore(NS).get(TestDatabase.class) == null && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext.getStore(NS).get(TestDatabase.class, TestDatabase.class);
  }

  private static DatabaseConfig server(ExtensionContext context) {
    String url = System.getenv("DATABASE_URL");
    if (url != null && !url.isBlank()) {
      return DatabaseConfig.fromEnv(Env.system());
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException("These tests need PostgreSQL: set DATABASE_URL (e.g. "
          + "jdbc:postgresql://127.0.0.1:5432/test) or run a Docker engine for Testcontainers.");
    }
    // One container for the whole run, kept in the root store and stopped when the run ends.
    PostgreSQLContainer container = context.getRoot().getStore(NS).getOrComputeIfAbsent("container", key -> {
      PostgreSQLContainer started = new PostgreSQLContainer("postgres:16-alpine");
      started.start();
      return started;
    }, PostgreSQLContainer.class);
    return new DatabaseConfig(container.getJdbcUrl(), container.getUsername(), container.getPassword());
  }

  private static void execute(DatabaseConfig server, String sql) throws SQLException {
    Properties props = new Properties();
    if (!server.user().isEmpty()) {
      props.setProperty("user", server.user());
    }
    if (!server.password().isEmpty()) {
      props.setProperty("password", server.password());
    }
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), props); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
