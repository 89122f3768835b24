package org.onecexporter.queue.model;

import java.util.List;

/**
 * What one reaper call moved: the jobs whose lease ran out and that went back to the front of the line, and those
 * whose lease ran out for the WORKER_MAX_STALLS-th time in a row and went to the DLQ as {@code stalled}.
 */
public record Reaped(List<String> back, List<String> dead) {
  public Reaped {
    back = List.copyOf(back);
    dead = List.copyOf(dead);
  }

  public int moved() {
    return back.size() + dead.size();
  }
}
