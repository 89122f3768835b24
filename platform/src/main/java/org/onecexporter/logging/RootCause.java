package org.onecexporter.logging;

import org.onecexporter.config.Redact;

/**
 * What actually went wrong under a chain of wrappers, in one line for an operator: {@code database "x" does not
 * exist}, {@code Connection refused: /127.0.0.1:6379}, not "Connection is not available, request timed out" or
 * "java.util.concurrent.ExecutionException: …" with the cause at the end of a stack trace.
 */
public final class RootCause {
  private RootCause() {}

  /**
   * The innermost cause that has a message (a driver's own wrapping such as "The connection attempt failed." is
   * passed over), on one line, URLs redacted; an unknown host, a socket timeout and a timeout without a message
   * are said in words.
   */
  public static String oneLine(Throwable failure) {
    Throwable root = failure;
    Throwable innermost = failure;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
      innermost = t;
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        root = t;
      }
    }
    if (innermost instanceof java.util.concurrent.TimeoutException && root != innermost) {
      root = innermost;
    }
    String message = root.getMessage() == null || root.getMessage().isBlank() ? null : root.getMessage();
    if (root instanceof java.net.UnknownHostException) {
      message = "unknown host " + message;
    } else if (root instanceof java.net.SocketTimeoutException || root instanceof java.util.concurrent.TimeoutException) {
      message = message == null ? "no answer in time" : "no answer in time (" + message + ")";
    } else if (message == null) {
      message = root.getClass().getSimpleName();
    }
    return LogSafe.text(Redact.inText(message.strip().replaceAll("\\s+", " ")), 300);
  }
}
