package org.onecexporter.export;

import java.time.Duration;

/** Waits between attempts; tests inject one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration);

  void sleep(Duration duration) throws InterruptedException;
}
