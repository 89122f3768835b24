package org.onecexporter.shops;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The size of the reconciler cost tests: {@code onec.reconcilerCost.orders} orders in the platform's table at the
 * end (default 300,000, a few seconds of bulk inserts; the measure is 1,000,000:
 * {@code -Donec.reconcilerCost.orders=1000000}), and the median time of a query, printed beside the rows read.
 */
final class ReconcilerCostSize {
  private ReconcilerCostSize() {}

  static long orders() {
    long n = Long.getLong("onec.reconcilerCost.orders", 300_000);
    if (n < 100_000 || n % 2 != 0) {
      throw new IllegalArgumentException("onec.reconcilerCost.orders must be even and at least 100,000: " + n);
    }
    return n;
  }

  /** The median of 7 timed calls after 2 untimed ones, in ms. */
  static double medianMillis(Supplier<?> run) {
    for (int i = 0; i < 2; i++) {
      run.get();
    }
    double[] ms = new double[7];
    for (int i = 0; i < ms.length; i++) {
      long start = System.nanoTime();
      run.get();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms[ms.length / 2];
  }
}
