package org.onecexporter.export;

import java.time.Duration;
import java.util.Objects;

/**
 * What becomes of a job after one attempt: the one vocabulary for a job's fate, from 1C's answer to the queue move.
 * {@link FailurePolicy} decides it; the worker turns it into a queue move, the command line into a wait or an end.
 */
public sealed interface Decision {
  /** Done: exported, or 1C already had the invoice. {@code call}: how long the successful call took, or null. */
  record Ack(ExportStatus status, Duration call) implements Decision {
    public Ack {
      if (!status.isSuccess()) {
        throw new IllegalArgumentException("only a success is acked: " + status);
      }
    }
  }

  /** Try again after {@code delay}; this attempt counts against the retry schedule. */
  record Retry(Duration delay) implements Decision {
    public Retry {
      Objects.requireNonNull(delay);
    }
  }

  /** Try again after {@code delay} without spending an attempt: the failure was not this order's. */
  record Wait(Duration delay, Cause cause) implements Decision {
    public Wait {
      Objects.requireNonNull(delay);
      Objects.requireNonNull(cause);
    }
  }

  /** Give up: the job goes to the DLQ (the command line ends with this reason). */
  record DeadLetter(ExportResult.Reason reason) implements Decision {
    public DeadLetter {
      if (reason == ExportResult.Reason.NONE) {
        throw new IllegalArgumentException("a dead letter needs a reason");
      }
    }

    /** How the command line reports it: rejected (retrying cannot help) or failed (retrying did not). */
    public ExportStatus status() {
      return switch (reason) {
        case EXHAUSTED, INFRASTRUCTURE, INTERRUPTED -> ExportStatus.FAILED;
        default -> ExportStatus.REJECTED;
      };
    }
  }

  /** Hand the job back as it is, nothing counted: this attempt no longer owns it (it was abandoned). */
  record Release() implements Decision {}

  /** Why a job waits without spending an attempt. */
  enum Cause {
    /** The fleet knows 1C is down and this job was not its probe: 1C was not called. */
    ONE_C_DOWN,
    /** 1C failed this call, but it is failing for the whole fleet, not for this order. */
    ONE_C_FAILING,
    /** 1C answered that its extension is not set up: a person must act. */
    ONE_C_NOT_CONFIGURED,
    /** 1C refused the exporter's credentials (401) or its user's rights (403): a person must act. */
    ONE_C_ACCESS_REFUSED,
    /** Every fleet-wide 1C permit (ONEC_MAX_CONCURRENCY) stayed busy: back-pressure, not an outage. */
    CAP_FULL,
    /** PostgreSQL, Redis or a bug on our side: counted apart (INFRA_RETRY_DELAYS), never against 1C's schedule. */
    OUR_SIDE
  }
}
