package org.onecexporter.config;

/** A configuration value is missing or malformed. The message names the variable and what is wrong. */
public final class ConfigException extends RuntimeException {
  private final String variable;

  public ConfigException(String variable, String problem) {
    super(variable + ": " + problem);
    this.variable = variable;
  }

  public String variable() {
    return variable;
  }
}
