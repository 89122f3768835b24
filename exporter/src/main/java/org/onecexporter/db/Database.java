package org.onecexporter.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.onecexporter.config.DatabaseConfig;

/**
 * The connection pool, Jdbi over it, and the Flyway migrations: of the reference schema, or of the exporter's own
 * tables only beside a platform's schema ({@link #migrateLedger}). PostgreSQL, or MariaDB/MySQL through MariaDB
 * Connector/J, by the URL's scheme.
 */
public final class Database implements AutoCloseable {
  private final DatabaseConfig config;
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;

  public Database(DatabaseConfig config, int maxConnections) {
    this.dialect = Dialect.ofUrl(config.jdbcUrl());
    this.config = config;
    HikariConfig hikari = new HikariConfig();
    // MariaDB Connector/J takes jdbc:mysql: URLs only when told to (it leaves them to MySQL's own driver).
    hikari.setJdbcUrl(config.jdbcUrl().startsWith("jdbc:mysql:") ? withParam(config.jdbcUrl(), "permitMysqlScheme")
        : config.jdbcUrl());
    if (!config.user().isEmpty()) {
      hikari.setUsername(config.user());
    }
    if (!config.password().isEmpty()) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(maxConnections);
    hikari.setMinimumIdle(0);
    hikari.setPoolName("onec-exporter-db");
    hikari.setConnectionTimeout(10_000);
    // Every database call is bounded: a host or network that stops answering fails the call instead of holding
    // the worker's thread forever. A value set in DATABASE_URL wins. PostgreSQL's driver counts seconds,
    // MariaDB Connector/J milliseconds.
    String[][] bounds = dialect == Dialect.POSTGRESQL
        ? new String[][] {{"connectTimeout", "10"}, {"socketTimeout", "60"}, {"tcpKeepAlive", "true"}}
        : new String[][] {{"connectTimeout", "10000"}, {"socketTimeout", "60000"}, {"tcpKeepAlive", "true"}};
    for (String[] p : bounds) {
      if (!config.jdbcUrl().contains(p[0] + "=")) {
        hikari.addDataSourceProperty(p[0], p[1]);
      }
    }
    if (dialect == Dialect.POSTGRESQL) {
      // An error's text reaches logs, job records, DLQ entries and the attempt history: PostgreSQL's "Failing row
      // contains (...)" detail would carry an order's row (the customer's name, phone, address) with it.
      hikari.addDataSourceProperty("logServerErrorDetail", "false");
    } else {
      // Our sessions read and write times in UTC (TIMESTAMP columns convert by the session's zone).
      hikari.setConnectionInitSql("SET time_zone = '+00:00'");
    }
    // Do not fail construction when PostgreSQL is down: callers report or retry on first use.
    hikari.setInitializationFailTimeout(-1);
    this.dataSource = new HikariDataSource(hikari);
    this.jdbi = Jdbi.create(dataSource);
    // Likewise Jdbi's messages: the failed statement and its bound values are not repeated, only the cause.
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /**
   * Opens one connection straight through the driver, outside the pool, bounded by {@code timeout}; throws
   * {@link DatabaseUnavailableException} saying in one line which server and why ({@code database "x" does not
   * exist}, {@code Connection refused}, {@code password authentication failed…}). The pool would only say "Connection
   * is not available, request timed out after 10000ms", after its own timeout, with the cause at the end of a
   * stack trace.
   */
  public void requireReachable(Duration timeout) {
    java.util.Properties props = new java.util.Properties();
    if (!config.user().isEmpty()) {
      props.setProperty("user", config.user());
    }
    if (!config.password().isEmpty()) {
      props.setProperty("password", config.password());
    }
    // PostgreSQL's driver counts seconds, MariaDB Connector/J milliseconds.
    String bound = dialect == Dialect.POSTGRESQL ? Long.toString(Math.max(1, timeout.toSeconds()))
        : Long.toString(timeout.toMillis());
    for (String p : new String[] {"connectTimeout", "socketTimeout"}) {
      props.setProperty(p, bound);
    }
    java.util.concurrent.CompletableFuture<Void> attempt = new java.util.concurrent.CompletableFuture<>();
    Thread.ofVirtual().name("database-reachability").start(() -> {
      try (java.sql.Connection ignored = java.sql.DriverManager.getConnection(dataSource.getJdbcUrl(), props)) {
        attempt.complete(null);
      } catch (Throwable e) {
        attempt.completeExceptionally(e);
      }
    });
    try {
      attempt.get(timeout.toMillis() + 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new DatabaseUnavailableException(serverName(), target(), "no answer within " + timeout.toSeconds() + " s");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new DatabaseUnavailableException(serverName(), target(), org.onecexporter.logging.RootCause.oneLine(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseUnavailableException(serverName(), target(), "interrupted");
    }
  }

  /** {@code PostgreSQL} or {@code MariaDB}, as an operator calls the server. */
  public String serverName() {
    return dialect.serverName();
  }

  /** The server and database, {@code host:port/name}, without the user, password or parameters. */
  public String target() {
    return config.jdbcUrl().replaceFirst("^jdbc:[a-z]+://", "").replaceFirst("[?;].*$", "");
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The reference schema (orders, order_items, the counters, the attempt history). */
  public MigrateResult migrate() {
    return migrate(dataSource, dialect == Dialect.POSTGRESQL ? "classpath:db/migration" : "classpath:db/mysql");
  }

  /**
   * Only the exporter's own tables (the ledger, the counters, the attempt history), for a platform's schema that is
   * read and never altered.
   */
  public MigrateResult migrateLedger() {
    // The shop's database already holds the platform's tables: a baseline at version 0 lets Flyway start its
    // history there (it refuses a non-empty schema otherwise), and V1 then adds our tables beside them.
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/ledger/" + dialect.migrationFolder())
        .table("onec_exporter_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /** {@link #migrateLedger} when {@code ownLedger}, else {@link #migrate}. */
  public MigrateResult migrate(boolean ownLedger) {
    return ownLedger ? migrateLedger() : migrate();
  }

  public static MigrateResult migrate(DataSource dataSource) {
    return migrate(dataSource, "classpath:db/migration");
  }

  private static MigrateResult migrate(DataSource dataSource, String location) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations(location)
        .table("onec_exporter_schema_history")
        .baselineOnMigrate(false)
        .load()
        .migrate();
  }

  private static String withParam(String url, String param) {
    return url + (url.contains("?") ? "&" : "?") + param;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
