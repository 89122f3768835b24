package org.onecexporter.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecexporter.export.AttemptResult.Failed;
import org.onecexporter.export.Decision.Cause;
import org.onecexporter.export.FailurePolicy.Attempt;
import org.onecexporter.export.FailurePolicy.Config;
import org.onecexporter.export.FailurePolicy.Fleet;
import org.onecexporter.export.FailurePolicy.OneCReport;

/** The failure policy as a table: outcome × attempt × fleet × configuration → decision. No Redis, no PostgreSQL. */
class FailurePolicyTest {
  private static final RetrySchedule SCHEDULE =
      new RetrySchedule(List.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)));
  private static final List<Duration> INFRA = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30));
  private static final Duration DOWN_WAIT = Duration.ofSeconds(30);
  private static final Config QUEUE = Config.queue(SCHEDULE, INFRA, DOWN_WAIT);
  private static final Config DIRECT = Config.direct(SCHEDULE);
  private static final Fleet UP = Fleet.NONE;
  private static final Fleet FAILING = new Fleet(false, true, Duration.ZERO);
  private static final Fleet DOWN = new Fleet(true, true, Duration.ofSeconds(12));

  private static Attempt attempt(int number) {
    return new Attempt(number, 0, false, false);
  }

  private static AttemptResult done(ExportStatus status, ExportResult.Reason reason) {
    return new AttemptResult.Done(new ExportResult(1, status, "INV-2026-001", null, 0, null, 0, reason), true,
        status == ExportStatus.EXPORTED ? Duration.ofMillis(80) : null);
  }

  private static AttemptResult failed(Failed side, int httpStatus, Duration retryAfter) {
    return new AttemptResult.Retry(1, "INV-2026-001", "why", httpStatus, retryAfter, side);
  }

  private static AttemptResult failed(Failed side) {
    return failed(side, side == Failed.ONE_C ? 503 : 0, null);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // Final answers: the same on every path.
        row("exported", QUEUE, done(ExportStatus.EXPORTED, ExportResult.Reason.NONE), attempt(1), UP,
            new Decision.Ack(ExportStatus.EXPORTED, Duration.ofMillis(80))),
        row("already exported", DIRECT, done(ExportStatus.ALREADY_EXPORTED, ExportResult.Reason.NONE), attempt(3),
            UP, new Decision.Ack(ExportStatus.ALREADY_EXPORTED, null)),
        row("refused by 1C", QUEUE, done(ExportStatus.REJECTED, ExportResult.Reason.REFUSED_BY_1C), attempt(1), UP,
            new Decision.DeadLetter(ExportResult.Reason.REFUSED_BY_1C)),
        row("not paid", DIRECT, done(ExportStatus.REJECTED, ExportResult.Reason.NOT_PAID), attempt(1), UP,
            new Decision.DeadLetter(ExportResult.Reason.NOT_PAID)),
        // 1C failed this order: the schedule, no sooner than Retry-After, then exhausted.
        row("1C failed, first attempt", QUEUE, failed(Failed.ONE_C), attempt(1), UP,
            new Decision.Retry(Duration.ofSeconds(2))),
        row("1C failed, Retry-After later than the schedule", QUEUE,
            failed(Failed.ONE_C, 503, Duration.ofSeconds(7)), attempt(1), UP,
            new Decision.Retry(Duration.ofSeconds(7))),
        row("1C failed, Retry-After sooner than the schedule", QUEUE,
            failed(Failed.ONE_C, 503, Duration.ofSeconds(1)), attempt(2), UP,
            new Decision.Retry(Duration.ofSeconds(5))),
        row("1C failed, Retry-After of a day is cut to five minutes", DIRECT,
            failed(Failed.ONE_C, 429, Duration.ofDays(1)), attempt(1), UP, new Decision.Retry(Duration.ofMinutes(5))),
        row("1C failed, last attempt", QUEUE, failed(Failed.ONE_C), attempt(4), UP,
            new Decision.DeadLetter(ExportResult.Reason.EXHAUSTED)),
        row("1C failed, last attempt, direct", DIRECT, failed(Failed.ONE_C), attempt(4), UP,
            new Decision.DeadLetter(ExportResult.Reason.EXHAUSTED)),
        // 1C failing for the fleet: no attempt spent.
        row("1C failing for more than this order", QUEUE, failed(Failed.ONE_C), attempt(2), FAILING,
            new Decision.Wait(Duration.ofSeconds(5), Cause.ONE_C_FAILING)),
        row("1C failing for the fleet, past the schedule", QUEUE, failed(Failed.ONE_C), attempt(4), FAILING,
            new Decision.Wait(Duration.ofSeconds(2), Cause.ONE_C_FAILING)),
        row("1C down for the fleet: until the next probe", QUEUE, failed(Failed.ONE_C), attempt(4), DOWN,
            new Decision.Wait(Duration.ofSeconds(12), Cause.ONE_C_DOWN)),
        row("1C down, the failed probe waits twice as long", QUEUE, failed(Failed.ONE_C),
            new Attempt(1, 0, true, false), DOWN, new Decision.Wait(Duration.ofSeconds(24), Cause.ONE_C_DOWN)),
        row("held back: 1C down for the fleet", QUEUE, failed(Failed.ONE_C_DOWN, 0, Duration.ofSeconds(9)),
            attempt(3), UP, new Decision.Wait(Duration.ofSeconds(9), Cause.ONE_C_DOWN)),
        row("held back: 1C down, no probe time known", QUEUE, failed(Failed.ONE_C_DOWN), attempt(3), UP,
            new Decision.Wait(DOWN_WAIT, Cause.ONE_C_DOWN)),
        // A full cap is back-pressure: no attempt spent, nothing about 1C.
        row("every permit busy", QUEUE, failed(Failed.CAP_FULL), attempt(4), UP,
            new Decision.Wait(FailurePolicy.CAP_FULL_WAIT, Cause.CAP_FULL)),
        // Not configured: a person must act; never the DLQ.
        row("not configured", QUEUE, failed(Failed.ONE_C_NOT_CONFIGURED, 500, null), attempt(4), UP,
            new Decision.Wait(FailurePolicy.NOT_CONFIGURED_WAIT, Cause.ONE_C_NOT_CONFIGURED)),
        row("not configured, Retry-After", QUEUE, failed(Failed.ONE_C_NOT_CONFIGURED, 503, Duration.ofSeconds(60)),
            attempt(1), UP, new Decision.Wait(Duration.ofSeconds(60), Cause.ONE_C_NOT_CONFIGURED)),
        row("1C refused the exporter's credentials or rights: a pause like not configured", QUEUE,
            failed(Failed.ONE_C_ACCESS_REFUSED, 401, null), attempt(4), UP,
            new Decision.Wait(FailurePolicy.NOT_CONFIGURED_WAIT, Cause.ONE_C_ACCESS_REFUSED)),
        row("1C refused the exporter, direct: rejected at once", DIRECT, failed(Failed.ONE_C_ACCESS_REFUSED, 403, null),
            attempt(1), UP, new Decision.DeadLetter(ExportResult.Reason.REFUSED_BY_1C)),
        row("not configured, direct: the schedule", DIRECT, failed(Failed.ONE_C_NOT_CONFIGURED, 500, null),
            attempt(1), UP, new Decision.Retry(Duration.ofSeconds(2))),
        // Our side: INFRA_RETRY_DELAYS, counted apart from 1C's schedule, then the DLQ as infrastructure.
        row("our side, first failure", QUEUE, failed(Failed.OUR_SIDE_BEFORE_THE_CALL), attempt(4), UP,
            new Decision.Wait(Duration.ofSeconds(5), Cause.OUR_SIDE)),
        row("our side after the call, second failure", QUEUE, failed(Failed.OUR_SIDE_AFTER_THE_CALL),
            new Attempt(1, 1, false, false), UP, new Decision.Wait(Duration.ofSeconds(30), Cause.OUR_SIDE)),
        row("our side, delays ran out", QUEUE, failed(Failed.OUR_SIDE_BEFORE_THE_CALL),
            new Attempt(1, 2, false, false), UP, new Decision.DeadLetter(ExportResult.Reason.INFRASTRUCTURE)),
        row("our side, direct: the schedule", DIRECT, failed(Failed.OUR_SIDE_BEFORE_THE_CALL), attempt(2), UP,
            new Decision.Retry(Duration.ofSeconds(5))),
        row("our side, direct, last attempt", DIRECT, failed(Failed.OUR_SIDE_BEFORE_THE_CALL), attempt(4), UP,
            new Decision.DeadLetter(ExportResult.Reason.EXHAUSTED)),
        // An abandoned attempt that failed: the job was already handed back.
        row("abandoned, then failed", QUEUE, failed(Failed.ONE_C), new Attempt(1, 0, false, true), UP,
            new Decision.Release()),
        row("abandoned, but exported", QUEUE, done(ExportStatus.EXPORTED, ExportResult.Reason.NONE),
            new Attempt(1, 0, false, true), UP, new Decision.Ack(ExportStatus.EXPORTED, Duration.ofMillis(80))));
  }

  private static Arguments row(String name, Config config, AttemptResult outcome, Attempt attempt, Fleet fleet,
      Decision expected) {
    return Arguments.argumentSet(name, config, outcome, attempt, fleet, expected);
  }

  @ParameterizedTest
  @MethodSource("table")
  void decides(Config config, AttemptResult outcome, Attempt attempt, Fleet fleet, Decision expected) {
    assertThat(new FailurePolicy(config).decide(outcome, attempt, fleet)).isEqualTo(expected);
  }

  static Stream<Arguments> reports() {
    return Stream.of(
        Arguments.argumentSet("exported: the ack says it", done(ExportStatus.EXPORTED, ExportResult.Reason.NONE),
            OneCReport.NONE),
        Arguments.argumentSet("refused: 1C answered", done(ExportStatus.REJECTED, ExportResult.Reason.REFUSED_BY_1C),
            OneCReport.UP),
        Arguments.argumentSet("invalid, 1C not called", new AttemptResult.Done(new ExportResult(1,
            ExportStatus.REJECTED, null, null, 0, "bad", 0, ExportResult.Reason.INVALID), false),
            OneCReport.NOT_CALLED),
        Arguments.argumentSet("503", failed(Failed.ONE_C), OneCReport.FAILED),
        Arguments.argumentSet("403 sessions locked", failed(Failed.ONE_C, 403, null), OneCReport.DOWN),
        Arguments.argumentSet("not configured", failed(Failed.ONE_C_NOT_CONFIGURED), OneCReport.UP),
        Arguments.argumentSet("credentials refused", failed(Failed.ONE_C_ACCESS_REFUSED, 401, null), OneCReport.UP),
        Arguments.argumentSet("recording failed after 1C accepted", failed(Failed.OUR_SIDE_AFTER_THE_CALL),
            OneCReport.UP),
        Arguments.argumentSet("database down before the call", failed(Failed.OUR_SIDE_BEFORE_THE_CALL),
            OneCReport.NOT_CALLED),
        Arguments.argumentSet("cap full", failed(Failed.CAP_FULL), OneCReport.NOT_CALLED),
        Arguments.argumentSet("held back, 1C down", failed(Failed.ONE_C_DOWN), OneCReport.NONE));
  }

  @ParameterizedTest
  @MethodSource("reports")
  void tells_the_fleet_what_the_attempt_saw_of_1c(AttemptResult outcome, OneCReport expected) {
    assertThat(FailurePolicy.report(outcome)).isEqualTo(expected);
  }
}
