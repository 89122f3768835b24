package org.onecexporter.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample. */
final class Percentiles {
  private final double[] sorted;

  Percentiles(double[] values) {
    this.sorted = values.clone();
    Arrays.sort(sorted);
  }

  double p(double percentile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
