package org.onecexporter.queue.model;

/**
 * Where a job is in its life: the {@code state} field of its record {@code P:job:<order_id>}, and the one structure
 * that holds its id while it has that state. {@link JobMoves} lists the moves between them and which script makes
 * each; the scripts name the states through the {@code STATE_*} constants of includes/states.lua (JobMovesTest checks that
 * they spell them as {@link #wire()} does).
 */
public enum JobState {
  /** Waiting in {@code P:ready} (LIST: enqueue pushes left, claim pops right). */
  READY("ready", "P:ready"),
  /** A failed attempt waiting for its retry in {@code P:delayed} (ZSET by {@code due_at}). */
  DELAYED("delayed", "P:delayed"),
  /** Leased to one worker, in {@code P:active} (ZSET by {@code lease_until}); its lease token in the record. */
  ACTIVE("active", "P:active"),
  /** In the dead-letter queue {@code P:dead} (ZSET of order ids by the time they died) until requeued, dropped or purged. */
  DEAD("dead", "P:dead"),
  /**
   * No record: never queued, or finished. An ack deletes the record (the outcome, {@code exported} or
   * {@code already_exported}, is counted in {@code P:stats} and an export's timing goes to
   * {@code P:export_times}); {@code drop} and {@code purge} delete a dead one. The order may be queued again.
   */
  NONE("none", "-");

  private final String wire;
  private final String home;

  JobState(String wire, String home) {
    this.wire = wire;
    this.home = home;
  }

  /** The value of the record's {@code state} field ({@code none}: the table's name for "no record"). */
  public String wire() {
    return wire;
  }

  /** The key (under the queue prefix) whose structure holds the id in this state; {@code -} for {@link #NONE}. */
  public String home() {
    return home;
  }

  /** The state a record's {@code state} field names; null or empty (no record) is {@link #NONE}. */
  public static JobState fromWire(String state) {
    if (state == null || state.isEmpty()) {
      return NONE;
    }
    for (JobState s : values()) {
      if (s.wire.equals(state)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown job state '" + state + "'");
  }
}
