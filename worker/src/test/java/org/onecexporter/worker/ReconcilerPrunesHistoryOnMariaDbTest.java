package org.onecexporter.worker;

import org.onecexporter.testing.OnMariaDb;

/** {@link ReconcilerPrunesHistoryTest} on MariaDB/MySQL. */
@OnMariaDb
class ReconcilerPrunesHistoryOnMariaDbTest extends ReconcilerPrunesHistoryTest {
}
