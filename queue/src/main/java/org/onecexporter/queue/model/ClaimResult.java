package org.onecexporter.queue.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a claim answers: the {@link Jobs} leased to the caller, or {@link Empty} when none was ready. */
public sealed interface ClaimResult permits ClaimResult.Jobs, ClaimResult.Empty {
  /** The jobs leased, oldest first; none for {@link Empty}. */
  List<ClaimedJob> jobs();

  /** At least one job leased to the caller, oldest first. */
  record Jobs(List<ClaimedJob> jobs) implements ClaimResult {
    public Jobs {
      jobs = List.copyOf(jobs);
    }
  }

  /** Nothing ready: how long until the next delayed job is due, or empty when none waits. */
  record Empty(Optional<Duration> nextDue) implements ClaimResult {
    @Override
    public List<ClaimedJob> jobs() {
      return List.of();
    }
  }
}
