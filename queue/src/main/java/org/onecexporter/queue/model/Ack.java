package org.onecexporter.queue.model;

import java.time.Duration;

/**
 * One finished job to ack. {@code outcome} names the counter bumped in {@code P:stats} (exported,
 * already_exported, …); {@code call}: how long the successful 1C call took (fleet-wide percentiles), null when none.
 */
public record Ack(ClaimedJob job, String outcome, Duration call) {}
