package org.onecexporter.queue;

/** Redis cannot be reached now; the caller reports it (503, a counted failure) or waits and tries again. */
public final class QueueUnavailableException extends RuntimeException {
  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
