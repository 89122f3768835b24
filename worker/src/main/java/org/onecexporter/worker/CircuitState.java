package org.onecexporter.worker;

/**
 * 1C's fleet-wide health as a worker sees it (P:onec_health), in circuit-breaker words for the metrics and alerts:
 * closed (1C up), open (down: only the probe calls it), half_open (the probe is calling).
 */
public enum CircuitState {
  CLOSED, OPEN, HALF_OPEN
}
