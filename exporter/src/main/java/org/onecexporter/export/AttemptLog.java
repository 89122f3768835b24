package org.onecexporter.export;

/** Where {@link OneCExporter} reports every attempt it ends. Must not throw and must not block. */
@FunctionalInterface
public interface AttemptLog {
  AttemptLog NONE = attempt -> {};

  void record(AttemptRecord attempt);
}
