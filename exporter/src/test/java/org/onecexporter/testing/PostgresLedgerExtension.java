package org.onecexporter.testing;

/** A PostgreSQL schema of its own per test class with only the exporter's tables (ledger, counters, history). */
public final class PostgresLedgerExtension extends PostgresExtension {
  @Override
  protected boolean ledgerOnly() {
    return true;
  }
}
