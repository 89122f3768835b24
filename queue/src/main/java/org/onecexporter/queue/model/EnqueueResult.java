package org.onecexporter.queue.model;

/**
 * The answer to a request to queue an order's export: {@code queued}, or the job the order already has and its
 * {@code state} (a {@link JobState#wire()} name).
 */
public record EnqueueResult(boolean queued, String state) {
  public JobState jobState() {
    return JobState.fromWire(state);
  }
}
