package org.onecexporter.cli;

import java.time.Duration;
import java.util.Optional;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.config.Redact;
import org.onecexporter.db.Database;
import org.onecexporter.db.DatabaseUnavailableException;
import org.onecexporter.logging.RootCause;
import org.onecexporter.queue.QueueUnavailableException;
import org.onecexporter.queue.RedisConnections;

/**
 * The servers a command needs, each checked when the command opens it, and the one line said when one cannot be
 * reached (exit 5): which server, where, and the cause, within seconds instead of after the pool's and the retry
 * schedule's timeouts.
 */
final class Unreachable {
  /** How long a command waits for PostgreSQL to accept one connection before saying it is unreachable. */
  static final Duration DATABASE_CHECK = Duration.ofSeconds(5);

  private Unreachable() {}

  /** A pool on {@code DATABASE_URL} whose server answered one connection; else {@link DatabaseUnavailableException}. */
  static Database database(Env env, int connections) {
    return checked(new Database(DatabaseConfig.fromEnv(env), connections));
  }

  static Database checked(Database database) {
    try {
      database.requireReachable(DATABASE_CHECK);
      return database;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** {@code REDIS_URL}'s servers, {@code host:port[,host:port…]}, without user, password or scheme. */
  static String redisTarget(Env env) {
    String url = env.string("REDIS_URL", RedisConnections.DEFAULT_URL);
    return Redact.url(url).replaceAll("[a-z-]+://", "").replaceAll("[^,@]*@", "").replaceAll("[/#?][^,]*", "");
  }

  /**
   * The line for a failure that is a server out of reach: a check's own exception, or a Redis or connection-pool
   * failure anywhere in the chain (a server that went away while the command ran).
   */
  static Optional<String> line(Throwable failure, Env env) {
    if (failure instanceof DatabaseUnavailableException || failure instanceof RedisUnavailableException) {
      return Optional.of(failure.getMessage());
    }
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
      if (t instanceof QueueUnavailableException || t.getClass().getName().startsWith("org.redisson.")) {
        return Optional.of(new RedisUnavailableException(redisTarget(env), RootCause.oneLine(failure)).getMessage());
      }
      if (t instanceof org.jdbi.v3.core.ConnectionException || t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException) {
        return Optional.of(new DatabaseUnavailableException(databaseServer(env), databaseTarget(env),
            RootCause.oneLine(failure)).getMessage());
      }
    }
    return Optional.empty();
  }

  private static String databaseServer(Env env) {
    try {
      return org.onecexporter.db.Dialect.ofUrl(DatabaseConfig.fromEnv(env).jdbcUrl())
          == org.onecexporter.db.Dialect.POSTGRESQL ? "PostgreSQL" : "MariaDB";
    } catch (RuntimeException e) {
      return "the database";
    }
  }

  private static String databaseTarget(Env env) {
    try {
      return DatabaseConfig.fromEnv(env).jdbcUrl().replaceFirst("^jdbc:[a-z]+://", "").replaceFirst("[?;].*$", "");
    } catch (RuntimeException e) {
      return "DATABASE_URL";
    }
  }
}
