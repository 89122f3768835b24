package org.onecexporter.shops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.onecexporter.export.ExportResult;
import org.onecexporter.export.ExportStatus;
import org.onecexporter.export.OneCExporter;

/** Two exporters (two workers) export every order of a range at the same moment, each order from both. */
final class TwoWorkers {
  private TwoWorkers() {}

  /** Exports orders {@code from} to {@code to} (exclusive) from {@code a} and {@code b} at once; each must succeed. */
  static void exportEachFromBothAtOnce(OneCExporter a, OneCExporter b, long from, long to) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ExportResult>> results = new ArrayList<>();
      for (long id = from; id < to; id++) {
        long orderId = id;
        results.add(pool.submit(() -> a.exportInvoice(orderId)));
        results.add(pool.submit(() -> b.exportInvoice(orderId)));
      }
      for (Future<ExportResult> f : results) {
        assertThat(f.get().status()).isIn(ExportStatus.EXPORTED, ExportStatus.ALREADY_EXPORTED);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
