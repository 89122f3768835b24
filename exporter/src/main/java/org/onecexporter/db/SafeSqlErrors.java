package org.onecexporter.db;

import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Error texts that name tables, columns and constraints but never the values of a row. A failure's text goes to
 * logs, job records, DLQ entries and the attempt history; a database may quote the row that failed (PostgreSQL's
 * "Failing row contains (...)" detail, MariaDB's "Duplicate entry '...'", a shop trigger's own message).
 */
final class SafeSqlErrors {
  /** MariaDB/MySQL quote the offending value after these words; table, column and key names stay readable. */
  private static final Pattern QUOTED_VALUE =
      Pattern.compile("(?i)(entry|value:?|string|for) '(?:[^'\\\\]|\\\\.|'')*'(?! in 'field list')");
  /** "(conn=1234) " before MariaDB's messages: noise. */
  private static final Pattern CONNECTION_TAG = Pattern.compile("^\\(conn=\\d+\\)\\s*");
  private static final int MAX = 300;

  private SafeSqlErrors() {}

  /** A {@link OrderStore.StoreException} saying what failed ({@code operation}) and why, without row data. */
  static OrderStore.StoreException wrap(String operation, RuntimeException e) {
    if (e instanceof OrderStore.StoreException already) {
      return already;
    }
    return new OrderStore.StoreException(operation + " failed: " + describe(e), e);
  }

  static String describe(Throwable e) {
    SQLException sql = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        sql = s;
        break;
      }
    }
    if (sql == null) {
      return firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
    String state = sql.getSQLState() == null ? "" : sql.getSQLState();
    String where = "SQLSTATE " + (state.isEmpty() ? "?" : state)
        + (sql.getErrorCode() != 0 ? ", error " + sql.getErrorCode() : "");
    // Raised by code in the database (a shop's trigger): its text is the shop's and may carry anything.
    if (state.equals("45000") || state.equals("P0001")) {
      return "the database refused the statement with a message of its own (" + where + "; text not shown)";
    }
    String text = sql.getMessage() == null ? "" : firstLine(sql.getMessage());
    text = CONNECTION_TAG.matcher(text).replaceFirst("");
    text = QUOTED_VALUE.matcher(text).replaceAll("$1 '…'");
    if (text.startsWith("ERROR: ")) {
      text = text.substring("ERROR: ".length());
    }
    if (text.length() > MAX) {
      text = text.substring(0, MAX) + "…";
    }
    return text + " (" + where + ")";
  }

  /** PostgreSQL appends "Detail: ..." (the failing row), "Where: ..." and "Position: ..." on lines of their own. */
  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
