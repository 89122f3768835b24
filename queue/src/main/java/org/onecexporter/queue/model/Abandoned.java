package org.onecexporter.queue.model;

/** What abandoning an attempt did with its job. */
public enum Abandoned {
  /** Handed back: claimable again after the hold. */
  HELD,
  /** Its {@code maxStalls}-th stall: in the DLQ as {@code infrastructure}. */
  DEAD,
  /** The token was gone (the attempt finished, or another worker has the job): nothing changed. */
  GONE
}
