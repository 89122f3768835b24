package org.onecexporter.db;

/**
 * The database answers but lacks a table the configured order source reads (a new database, a wrong schema, a
 * shop's own tables read with the reference source, our ledger never migrated): a configuration error, not a
 * failure of one order. Its message says which table, for which {@code ORDER_SOURCE}, and what to do.
 */
public final class MissingTablesException extends RuntimeException {
  public MissingTablesException(String message, Throwable cause) {
    super(message, cause);
  }

  /** SQLSTATE 42P01 (PostgreSQL: undefined table) or 42S02 (MariaDB/MySQL: error 1146, no such table). */
  static boolean isMissingTable(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
      if (t instanceof java.sql.SQLException sql
          && ("42P01".equals(sql.getSQLState()) || "42S02".equals(sql.getSQLState()) || sql.getErrorCode() == 1146)) {
        return true;
      }
    }
    return false;
  }
}
