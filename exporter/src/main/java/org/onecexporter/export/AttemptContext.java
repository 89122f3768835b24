package org.onecexporter.export;

/**
 * One attempt on one order, as its caller gives it.
 *
 * @param number the attempt, from 1
 * @param probeToken the lease token of the job when it is the fleet's probe of a 1C that is down (the permit gate
 *     lets only that call through), else null
 */
public record AttemptContext(long orderId, int number, String probeToken) {
  public AttemptContext {
    if (number < 1) {
      throw new IllegalArgumentException("attempts are counted from 1, got " + number);
    }
  }
}
