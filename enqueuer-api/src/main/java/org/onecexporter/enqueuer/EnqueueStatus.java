package org.onecexporter.enqueuer;

/** What became of a request to queue an order's invoice export. */
public enum EnqueueStatus {
  /** A new job was created. */
  QUEUED,
  /** The order already has a job (ready, retry-waiting, in progress, or in the DLQ); nothing changed. */
  ALREADY_QUEUED,
  /** Redis could not be reached; logged and counted, and the reconciler will queue the order later. */
  FAILED
}
