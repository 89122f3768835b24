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
import org.onecexporter.db.Database;

/**
 * Gives each test class a fresh, migrated MariaDB (or MySQL) database of its own, on the server named by
 * {@code MARIADB_URL} (default {@code jdbc:mariadb://127.0.0.1:3306/test}, user {@code MARIADB_USER} or root
 * without a password, as on this machine and in CI). No server there fails the test with a message saying so.
 * Inject {@link TestDatabase} as with {@link PostgresExtension}. {@link MariaDbLedgerExtension} runs only the
 * exporter's own tables' migrations (a platform's schema is created by the test itself).
 */
public class MariaDbExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MariaDbExtension.class);

  /** True: the exporter's own tables only ({@link Database#migrateLedger}); false: the reference schema. */
  protected boolean ledgerOnly() {
    return false;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    DatabaseConfig server = server();
    String name = "t_" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT) + "_"
        + UUID.randomUUID().toString().substring(0, 8);
    if (name.length() > 64) {
      name = name.substring(0, 55) + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
    execute(server, "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    String base = server.jdbcUrl();
    int query = base.indexOf('?');
    String params = query < 0 ? "" : base.substring(query);
    String hostPart = (query < 0 ? base : base.substring(0, query));
    String url = hostPart.substring(0, hostPart.lastIndexOf('/') + 1) + name + params;
    DatabaseConfig config = new DatabaseConfig(url, server.user(), server.password());
    Database database = new Database(config, 12);
    database.migrate(ledgerOnly());
    context.getStore(NS).put(TestDatabase.class, new TestDatabase(database, config, name));
    context.getStore(NS).put("server", server);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    TestDatabase db = context.getStore(NS).remove(TestDatabase.class, TestDatabase.class);
    DatabaseConfig server = context.getStore(NS).remove("server", DatabaseConfig.class);
    if (db != null) {
      db.database().close();
      execute(server, "DROP DATABASE IF EXISTS `" + db.schema() + "`");
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

  /** The server the test databases are created on. */
  public static DatabaseConfig server() {
    String url = System.getenv("MARIADB_URL");
    String user = System.getenv("MARIADB_USER");
    String password = System.getenv("MARIADB_PASSWORD");
    return new DatabaseConfig(url == null || url.isBlank() ? "jdbc:mariadb://127.0.0.1:3306/test" : url,
        user == null ? "root" : user, password == null ? "" : password);
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
    } catch (SQLException e) {
      throw new SQLException("These tests need MariaDB (10.6+) or MySQL (8.0+) at " + server.jdbcUrl()
          + " (user " + server.user() + "; set MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD): " + e.getMessage(), e);
    }
  }
}
