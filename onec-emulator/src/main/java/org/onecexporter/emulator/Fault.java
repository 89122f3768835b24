package org.onecexporter.emulator;

import java.util.Locale;

/** What the emulator does to one request instead of (or besides) answering it normally. */
public enum Fault {
  NONE,
  /** 500 with 1C's managed-lock conflict text. */
  ERROR_500,
  ERROR_502,
  ERROR_503,
  /** 429 with Retry-After: 1. */
  ERROR_429,
  /** 406 «Истекло время ожидания сеанса», as a reused session that timed out. */
  SESSION_TIMEOUT_406,
  /** 403 with the body 1C sends while sessions are locked for an update. */
  LOCKED_403,
  /** 200 with an HTML page, as a proxy or the publication root answers. */
  HTML_200,
  /** Waits {@code hangMillis} without creating anything, then drops the connection. */
  HANG,
  /** Creates the invoice, then drops the connection without an answer. */
  COMMIT_THEN_DROP,
  /** Creates the invoice, then waits {@code hangMillis} before answering. */
  COMMIT_THEN_HANG,
  /**
   * Works {@code hangMillis} before doing what the request asks (a slow 1C, a lock wait), as 1C goes on with a
   * request whose client gave up at its timeout; the answer then goes to a closed connection.
   */
  HANG_THEN_COMMIT,
  /** Drops the connection without creating anything. */
  DROP,
  /** 503 {"status":"not_configured"} with Retry-After: 300, as the extension answers while its settings are missing. */
  NOT_CONFIGURED,
  /**
   * 503 not_configured for an outdated VAT table, as the extension answers when the general rate of a 2026 date is not
   * 22 % (a UNF release older than the rate, or rates not set up).
   */
  VAT_OUTDATED,
  /** 422 {"status":"period_closed"}: the invoice's date lies in a period closed for the organisation (даты запрета). */
  PERIOD_CLOSED,
  /** 403 {"status":"access_denied"}: the service's 1C user lacks a right it needs (role or access group). */
  ACCESS_DENIED,
  /** 400 {"status":"error"} naming a line's field that UNF's filling check requires (a price of 0, no unit). */
  NOT_FILLABLE,
  /**
   * 400 whose errors list is over 1 MB of one letter after the buyer's name and phone, as a broken handler or a
   * proxy may answer: the exporter must classify, cut and mask it in bounded time.
   */
  HUGE_400;

  public static Fault parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown fault '" + text + "'; known: " + java.util.Arrays.toString(values()));
    }
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
