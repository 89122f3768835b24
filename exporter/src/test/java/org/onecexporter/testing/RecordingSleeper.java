package org.onecexporter.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.onecexporter.export.Sleeper;

/** Records the waits it is asked for instead of sleeping, so retry schedules are tested without sleeps. */
public final class RecordingSleeper implements Sleeper {
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
  }

  public List<Duration> waits() {
    return List.copyOf(waits);
  }
}
