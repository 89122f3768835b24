package org.onecexporter.export;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static org.onecexporter.onec.ResponseClassifier.MAX_RETRY_AFTER;

/**
 * The single answer to "retry or DLQ?": a pure function from an attempt's outcome, the attempt's place in its job
 * and the fleet's view of 1C to a {@link Decision}. No clock, no I/O: the worker and the command line ask it and
 * carry out what it says.
 *
 * <p>The rules, in order:
 * <ul>
 *   <li>Exported or already exported: ack. Rejected (not found, not paid, invalid, refused by 1C): the DLQ.
 *   <li>An attempt that was abandoned meanwhile and failed: release (the job was already handed back).
 *   <li>Not this order's fault, so no attempt is spent: 1C down for the fleet (wait for the next probe), the
 *       fleet-wide permit cap busy (back-pressure), 1C not configured or refusing the exporter's credentials (401)
 *       or rights (403) (wait for a person, never the DLQ; on the command line a 401 or 403 ends at once), a failure
 *       on our side (waits on INFRA_RETRY_DELAYS, then the DLQ as {@code infrastructure}).
 *   <li>1C failed this call: when the fleet says it fails for everyone, wait without spending the attempt (a failed
 *       probe waits twice the probe interval, so that another job probes next); else retry on the schedule, at
 *       least as late as 1C's Retry-After, and the DLQ as {@code exhausted} when the schedule has run out.
 * </ul>
 * A path that holds no job while it waits (the command line: a person waits at the terminal) has no waits that
 * cost nothing: there every failed try spends one of the schedule, and {@code exhausted} ends it.
 */
public final class FailurePolicy {
  /** How long a job waits when 1C says it is not configured and gives no Retry-After. */
  public static final Duration NOT_CONFIGURED_WAIT = Duration.ofMinutes(5);
  /** How long a job waits after the fleet-wide permit cap stayed busy for a whole permit wait. */
  public static final Duration CAP_FULL_WAIT = Duration.ofSeconds(1);

  /**
   * @param schedule waits between attempts that 1C failed; its length bounds the attempts
   * @param infraRetryDelays waits after failures on our side, counted per job (INFRA_RETRY_DELAYS)
   * @param oneCDownWait how long a job waits while 1C is down for the fleet and no probe time is known
   * @param holdsJobs whether a job can wait at no cost (the queue holds it); false on the command line
   */
  public record Config(RetrySchedule schedule, List<Duration> infraRetryDelays, Duration oneCDownWait,
      boolean holdsJobs) {
    public Config {
      Objects.requireNonNull(schedule);
      infraRetryDelays = List.copyOf(infraRetryDelays);
      Objects.requireNonNull(oneCDownWait);
    }

    /** The command line's export: every failed try spends one of the schedule. */
    public static Config direct(RetrySchedule schedule) {
      return new Config(schedule, List.of(), Duration.ZERO, false);
    }

    /** The queue workers: waits that are not the order's fault spend nothing. */
    public static Config queue(RetrySchedule schedule, List<Duration> infraRetryDelays, Duration oneCDownWait) {
      return new Config(schedule, infraRetryDelays, oneCDownWait, true);
    }
  }

  /**
   * The attempt's place in its job.
   *
   * @param number the attempt, from 1 (attempts that waited at no cost are not counted)
   * @param infraFailures failures on our side before this attempt
   * @param probe whether the job was the fleet's probe of a 1C that is down
   * @param abandoned whether the worker gave the attempt up meanwhile (past JOB_TIMEOUT_SECONDS)
   */
  public record Attempt(int number, int infraFailures, boolean probe, boolean abandoned) {
    public Attempt {
      if (number < 1 || infraFailures < 0) {
        throw new IllegalArgumentException("attempt " + number + ", infrastructure failures " + infraFailures);
      }
    }

    public static Attempt first() {
      return new Attempt(1, 0, false, false);
    }
  }

  /**
   * What the fleet's record of 1C's health answered once this attempt was reported ({@link #report}).
   *
   * @param down 1C is down for the fleet
   * @param refund 1C fails for more than this order: the attempt is not spent
   * @param untilProbe when the next probe is due, while down
   */
  public record Fleet(boolean down, boolean refund, Duration untilProbe) {
    /** No fleet: the command line, or a report that could not be recorded (the schedule still bounds the job). */
    public static final Fleet NONE = new Fleet(false, false, Duration.ZERO);
  }

  /** What an attempt's outcome tells the fleet's record of 1C's health. */
  public enum OneCReport {
    /** 1C answered (a refusal, not configured, or a success that is acked elsewhere): it is up. */
    UP,
    /** A transient failure: 5xx, a timeout, a refused or dropped connection. */
    FAILED,
    /** 1C said it is down for everyone (403: sessions locked for an update). */
    DOWN,
    /** 1C was not called: if this job was the probe, another job may probe at once. */
    NOT_CALLED,
    /** Nothing to report. */
    NONE
  }

  private final Config config;

  public FailurePolicy(Config config) {
    this.config = Objects.requireNonNull(config);
  }

  public Config config() {
    return config;
  }

  /** What the outcome tells the fleet's record of 1C's health, reported before {@link #decide} is asked. */
  public static OneCReport report(AttemptResult outcome) {
    return switch (outcome) {
      case AttemptResult.Done done when !done.calledOneC() -> OneCReport.NOT_CALLED;
      case AttemptResult.Done done when done.result().status() == ExportStatus.EXPORTED -> OneCReport.NONE;
      case AttemptResult.Done done -> OneCReport.UP;
      case AttemptResult.Retry retry -> switch (retry.failed()) {
        case ONE_C -> retry.httpStatus() == 403 ? OneCReport.DOWN : OneCReport.FAILED;
        case ONE_C_NOT_CONFIGURED, ONE_C_ACCESS_REFUSED, OUR_SIDE_AFTER_THE_CALL -> OneCReport.UP;
        case OUR_SIDE_BEFORE_THE_CALL, CAP_FULL -> OneCReport.NOT_CALLED;
        case ONE_C_DOWN -> OneCReport.NONE;
      };
    };
  }

  /** The job's fate after this attempt. */
  public Decision decide(AttemptResult outcome, Attempt attempt, Fleet fleet) {
    return switch (outcome) {
      case AttemptResult.Done done -> switch (done.result().status()) {
        case EXPORTED, ALREADY_EXPORTED, CANCELLED, ALREADY_CANCELLED, NOT_CREATED ->
            new Decision.Ack(done.result().status(), done.callDuration());
        case REJECTED, FAILED -> new Decision.DeadLetter(done.result().reason());
      };
      case AttemptResult.Retry retry when attempt.abandoned() -> new Decision.Release();
      case AttemptResult.Retry retry when !config.holdsJobs()
          && retry.failed() == AttemptResult.Failed.ONE_C_ACCESS_REFUSED ->
          new Decision.DeadLetter(ExportResult.Reason.REFUSED_BY_1C); // a person at the terminal: say it at once
      case AttemptResult.Retry retry when !config.holdsJobs() -> onSchedule(retry, attempt);
      case AttemptResult.Retry retry -> switch (retry.failed()) {
        case ONE_C_DOWN -> new Decision.Wait(retryAfter(retry).orElse(config.oneCDownWait()),
            Decision.Cause.ONE_C_DOWN);
        case CAP_FULL -> new Decision.Wait(retryAfter(retry).orElse(CAP_FULL_WAIT), Decision.Cause.CAP_FULL);
        case ONE_C_NOT_CONFIGURED -> new Decision.Wait(retryAfter(retry).orElse(NOT_CONFIGURED_WAIT),
            Decision.Cause.ONE_C_NOT_CONFIGURED);
        case ONE_C_ACCESS_REFUSED -> new Decision.Wait(NOT_CONFIGURED_WAIT, Decision.Cause.ONE_C_ACCESS_REFUSED);
        case OUR_SIDE_BEFORE_THE_CALL, OUR_SIDE_AFTER_THE_CALL -> ourSide(attempt);
        case ONE_C -> oneCFailed(retry, attempt, fleet);
      };
    };
  }

  private Decision ourSide(Attempt attempt) {
    List<Duration> delays = config.infraRetryDelays();
    return attempt.infraFailures() >= delays.size()
        ? new Decision.DeadLetter(ExportResult.Reason.INFRASTRUCTURE)
        : new Decision.Wait(delays.get(attempt.infraFailures()), Decision.Cause.OUR_SIDE);
  }

  private Decision oneCFailed(AttemptResult.Retry retry, Attempt attempt, Fleet fleet) {
    RetrySchedule schedule = config.schedule();
    Optional<Duration> scheduled = schedule.delayAfter(attempt.number());
    if (fleet.refund()) {
      if (fleet.down()) {
        Duration untilProbe = attempt.probe() ? fleet.untilProbe().multipliedBy(2) : fleet.untilProbe();
        return new Decision.Wait(untilProbe, Decision.Cause.ONE_C_DOWN);
      }
      return new Decision.Wait(scheduled.orElse(schedule.delayAfter(1).orElse(config.oneCDownWait())),
          Decision.Cause.ONE_C_FAILING);
    }
    return onSchedule(retry, attempt);
  }

  /** A try that spends one of the schedule: retry no sooner than 1C asked, or give up when it has run out. */
  private Decision onSchedule(AttemptResult.Retry retry, Attempt attempt) {
    Optional<Duration> scheduled = config.schedule().delayAfter(attempt.number());
    if (scheduled.isEmpty()) {
      return new Decision.DeadLetter(ExportResult.Reason.EXHAUSTED);
    }
    Duration delay = scheduled.get();
    Optional<Duration> asked = retryAfter(retry);
    return new Decision.Retry(asked.isPresent() && asked.get().compareTo(delay) > 0 ? asked.get() : delay);
  }

  /** 1C's Retry-After (or the next probe, for a call the fleet held back), at most five minutes. */
  private static Optional<Duration> retryAfter(AttemptResult.Retry retry) {
    return Optional.ofNullable(retry.retryAfter())
        .map(d -> d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
  }
}
