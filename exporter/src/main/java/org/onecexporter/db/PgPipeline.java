package org.onecexporter.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Several PostgreSQL statements in one round trip: PostgreSQL's JDBC driver sends the statements of one prepared
 * text (separated by {@code ;}) one after the other and a single Sync after the last, so that they run as one
 * implicit transaction, committed at the Sync, or rolled back as a whole when one fails; {@code
 * set_config(..., true)} in the first holds until that end. An attempt's fenced write (the lease's check, the
 * write, the lease's release) took four round trips as an explicit transaction (the check with BEGIN, the write,
 * the release, COMMIT) and takes one this way.
 *
 * <p>Only on a connection in auto-commit mode (the caller checks): in a transaction of the caller's the Sync
 * would commit nothing.
 */
public final class PgPipeline {
  private PgPipeline() {}

  /** Reads one row of a statement's result. */
  @FunctionalInterface
  public interface Rows<T> {
    T row(ResultSet rs) throws SQLException;
  }

  /**
   * Runs {@code sql} with {@code params} (bound in order across its statements) and returns, per statement, the
   * rows it returned, each as its columns' values (an empty list for a statement that returns none).
   */
  static List<List<Object[]>> run(Handle handle, String sql, Object... params) {
    @SuppressWarnings("unchecked")
    List<List<Object[]>> results = (List<List<Object[]>>) (List<?>) run(handle, sql, i -> null, params);
    return results;
  }

  /**
   * As {@link #run(Handle, String, Object...)}, each row of statement {@code i} read by {@code rows.apply(i)}
   * (its columns' values when that is null).
   */
  static List<List<?>> run(Handle handle, String sql, java.util.function.IntFunction<Rows<?>> rows,
      Object... params) {
    Connection c = handle.getConnection();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        Object p = params[i];
        switch (p) {
          case null -> ps.setString(i + 1, null); // a text null: pass none for a column of another type
          case Long l -> ps.setLong(i + 1, l);
          case Integer n -> ps.setInt(i + 1, n);
          case Boolean b -> ps.setBoolean(i + 1, b);
          case String s -> ps.setString(i + 1, s);
          case Timestamp t -> ps.setTimestamp(i + 1, t);
          default -> throw new IllegalArgumentException("no binding for " + p.getClass().getName());
        }
      }
      List<List<?>> results = new ArrayList<>();
      boolean hasRows = ps.execute();
      while (true) {
        if (hasRows) {
          Rows<?> reader = rows.apply(results.size());
          List<Object> list = new ArrayList<>();
          try (ResultSet rs = ps.getResultSet()) {
            int columns = reader == null ? rs.getMetaData().getColumnCount() : 0;
            while (rs.next()) {
              if (reader != null) {
                list.add(reader.row(rs));
                continue;
              }
              Object[] row = new Object[columns];
              for (int i = 0; i < columns; i++) {
                row[i] = rs.getObject(i + 1);
              }
              list.add(row);
            }
          }
          results.add(list);
        } else if (ps.getUpdateCount() == -1) {
          return results;
        } else {
          results.add(List.of());
        }
        hasRows = ps.getMoreResults();
      }
    } catch (SQLException e) {
      throw new Failed(e);
    }
  }

  /**
   * A pipeline the database refused or could not run; its cause is the driver's exception. Not Jdbi's
   * ConnectionException, which callers read as a database out of reach.
   */
  static final class Failed extends RuntimeException {
    Failed(SQLException cause) {
      super("a pipeline of statements failed (SQLState " + cause.getSQLState() + ")", cause);
    }
  }

  /** Whether {@code handle}'s connection commits each statement (or each pipeline) on its own. */
  static boolean autoCommit(Handle handle) {
    try {
      return handle.getConnection().getAutoCommit();
    } catch (SQLException e) {
      return false;
    }
  }
}
