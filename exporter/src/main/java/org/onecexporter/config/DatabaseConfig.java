package org.onecexporter.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * JDBC coordinates of the shop's database: PostgreSQL, MariaDB or MySQL. {@link #toString()} never prints the
 * password.
 */
public record DatabaseConfig(String jdbcUrl, String user, String password) {
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

  public static DatabaseConfig fromEnv(Env env) {
    DatabaseConfig parsed = parse(env.string("DATABASE_URL", DEFAULT_URL));
    String user = env.optional("DATABASE_USER").orElse(parsed.user());
    String password = env.optional("DATABASE_PASSWORD").orElse(parsed.password());
    return new DatabaseConfig(parsed.jdbcUrl(), user, password);
  }

  /**
   * Accepts {@code jdbc:postgresql://...} as is, and {@code postgresql://user:pass@host:port/db?params} (or
   * {@code postgres://}) as libpq and most hosting providers write it; {@code jdbc:mariadb://} and
   * {@code jdbc:mysql://} as they are, and {@code mysql://} / {@code mariadb://user:pass@host:port/db}.
   */
  public static DatabaseConfig parse(String url) {
    if (url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
      return new DatabaseConfig(url, "", "");
    }
    boolean mysql = url.startsWith("mysql://") || url.startsWith("mariadb://");
    if (!(url.startsWith("postgresql://") || url.startsWith("postgres://") || mysql)) {
      throw new ConfigException("DATABASE_URL", "must start with jdbc:postgresql://, postgresql://, jdbc:mariadb://,"
          + " jdbc:mysql://, mariadb:// or mysql://, got '" + redact(url) + "'");
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("DATABASE_URL", "is not a valid URL: '" + redact(url) + "'");
    }
    if (uri.getHost() == null) {
      throw new ConfigException("DATABASE_URL", "has no host: '" + redact(url) + "'");
    }
    String user = "";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
    }
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    if (mysql) {
      if (uri.getRawPath() == null || uri.getRawPath().length() < 2) {
        throw new ConfigException("DATABASE_URL", "names no database: '" + redact(url) + "'");
      }
      int port = uri.getPort() == -1 ? 3306 : uri.getPort();
      return new DatabaseConfig("jdbc:mariadb://" + uri.getHost() + ":" + port + uri.getRawPath() + query, user,
          password);
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
    return new DatabaseConfig("jdbc:postgresql://" + uri.getHost() + ":" + port + path + query, user, password);
  }

  private static String redact(String url) {
    return Redact.url(url);
  }

  @Override
  public String toString() {
    return "DatabaseConfig[url=" + Redact.url(jdbcUrl) + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***") + "]";
  }
}
