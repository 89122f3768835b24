package org.onecexporter.export;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Attempt number to delay: before retry k (attempt k + 1) wait {@code delays[k - 1]}. 1 + delays.size() attempts
 * in all. The default is the contract's 2 s, 5 s, 10 s.
 */
public record RetrySchedule(List<Duration> delays) {
  public static final RetrySchedule DEFAULT =
      new RetrySchedule(List.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)));

  public RetrySchedule {
    delays = List.copyOf(delays);
    for (Duration d : delays) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("retry delays must not be negative: " + delays);
      }
    }
  }

  public int maxAttempts() {
    return 1 + delays.size();
  }

  /** The wait after failed attempt {@code attempt} (1-based), or empty when it was the last one. */
  public Optional<Duration> delayAfter(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts are counted from 1, got " + attempt);
    }
    return attempt <= delays.size() ? Optional.of(delays.get(attempt - 1)) : Optional.empty();
  }
}
