package org.onecexporter.queue;

/**
 * A queue setting ({@code REDIS_URL}, {@code QUEUE_PREFIX}, …) is missing or malformed. The message names the
 * variable and what is wrong, never its value when the value may hold a password.
 */
public class QueueConfigException extends IllegalArgumentException {
  private final String variable;

  public QueueConfigException(String variable, String problem) {
    super(variable + ": " + problem);
    this.variable = variable;
  }

  public String variable() {
    return variable;
  }
}
