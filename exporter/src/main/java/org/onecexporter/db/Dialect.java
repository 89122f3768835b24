package org.onecexporter.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;

/**
 * What differs between the databases the exporter runs on: PostgreSQL (13+), and MariaDB (10.6+) / MySQL (8.0+)
 * through MariaDB Connector/J. Chosen by the JDBC URL's scheme, or by the server a connection reaches.
 */
public enum Dialect {
  POSTGRESQL("postgresql"),
  MYSQL("mysql");

  private final String migrations;

  Dialect(String migrations) {
    this.migrations = migrations;
  }

  /** {@code PostgreSQL} or {@code MariaDB} (which MySQL is reached through), as an operator calls the server. */
  public String serverName() {
    return this == POSTGRESQL ? "PostgreSQL" : "MariaDB";
  }

  /** The folder under {@code db/} holding this database's migrations. */
  public String migrationFolder() {
    return migrations;
  }

  public static Dialect ofUrl(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:")) {
      return MYSQL;
    }
    throw new IllegalArgumentException("not a PostgreSQL, MariaDB or MySQL JDBC URL");
  }

  /** The server behind {@code jdbi}, asked once through a connection. */
  public static Dialect of(Jdbi jdbi) {
    String product = jdbi.withHandle(h -> {
      try {
        return h.getConnection().getMetaData().getDatabaseProductName();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot tell which database this is: " + e.getSQLState(), e);
      }
    });
    String p = product.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return POSTGRESQL;
    }
    if (p.contains("mariadb") || p.contains("mysql")) {
      return MYSQL;
    }
    throw new IllegalStateException("unsupported database: " + product);
  }

  /**
   * A value for a timestamp column. MariaDB/MySQL sessions run in UTC (the pool sets {@code time_zone}), so an
   * instant goes as its UTC wall-clock time, independent of the JVM's zone.
   */
  public Object timestamp(Instant instant) {
    if (instant == null) {
      return null;
    }
    return this == POSTGRESQL ? Timestamp.from(instant) : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** A timestamp column read back as an instant (UTC on MariaDB/MySQL, see {@link #timestamp}). */
  public Instant instant(ResultSet rs, String column) throws SQLException {
    if (this == POSTGRESQL) {
      Timestamp t = rs.getTimestamp(column);
      return t == null ? null : t.toInstant();
    }
    LocalDateTime t = rs.getObject(column, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }

  /** SQL for "now minus {@code :age_us} microseconds" on the database's clock. */
  public String agoMicros(String param) {
    return this == POSTGRESQL
        ? "now() - make_interval(secs => :" + param + " / 1000000.0)"
        : "UTC_TIMESTAMP(6) - INTERVAL :" + param + " MICROSECOND";
  }
}
