package org.onecexporter.extension.metadata;

/** A reference the checker could not resolve, or could not type, at file:line. */
public record Finding(String file, int line, String message) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + message;
  }
}
