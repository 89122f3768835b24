package org.onecexporter.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.onecexporter.config.DatabaseConfig;

/** The connection pool, Jdbi over it, and the Flyway migrations of the reference schema. */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  public Database(DatabaseConfig config, int maxConnections) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.jdbcUrl());
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
    // the worker's thread forever. A value set in DATABASE_URL wins.
    for (String[] p : new String[][] {{"connectTimeout", "10"}, {"socketTimeout", "60"}, {"tcpKeepAlive", "true"}}) {
      if (!config.jdbcUrl().contains(p[0] + "=")) {
        hikari.addDataSourceProperty(p[0], p[1]);
      }
    }
    // An error's text reaches logs, job records, DLQ entries and the attempt history: PostgreSQL's "Failing row
    // contains (...)" detail would carry an order's row (the customer's name, phone, address) with it.
    hikari.addDataSourceProperty("logServerErrorDetail", "false");
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

  public DataSource dataSource() {
    return dataSource;
  }

  public MigrateResult migrate() {
    return migrate(dataSource);
  }

  public static MigrateResult migrate(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .table("onec_exporter_schema_history")
        .baselineOnMigrate(false)
        .load()
        .migrate();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
