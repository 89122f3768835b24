package org.onecexporter.testing;

/** A MariaDB database of its own per test class with only the exporter's tables (ledger, counters, history). */
public final class MariaDbLedgerExtension extends MariaDbExtension {
  @Override
  protected boolean ledgerOnly() {
    return true;
  }
}
