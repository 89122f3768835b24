package org.onecexporter.queue.model;

/** What a token-checked move did, or why it was refused (the scripts' answer codes, read in one place, {@code Scripts}). */
public enum MoveResult {
  /** The move was made. */
  DONE,
  /** abandon: handed back, claimable again after the hold. */
  HELD,
  /** abandon: the job's last allowed stall: dead-lettered. */
  DEAD,
  /** Refused: the job has no record (it finished, or never existed). */
  NO_JOB,
  /** Refused: the caller's lease is gone (it ran out and the job was handed back, or another worker holds it). */
  LEASE_LOST;

  public boolean refused() {
    return this == NO_JOB || this == LEASE_LOST;
  }
}
