package org.onecexporter.db;

/**
 * The database (PostgreSQL or MariaDB) cannot be reached or refuses us (a wrong {@code DATABASE_URL}, a database that does not exist, a
 * refused port, wrong credentials); the message is one line naming the server and the cause.
 */
public final class DatabaseUnavailableException extends RuntimeException {
  private final String why;

  /** {@code server}: PostgreSQL or MariaDB; {@code target}: host:port/database. */
  public DatabaseUnavailableException(String server, String target, String cause) {
    super(server + " unreachable at " + target + " (DATABASE_URL): " + cause);
    this.why = cause;
  }

  /** The cause alone, e.g. {@code database "x" does not exist}. */
  public String why() {
    return why;
  }
}
