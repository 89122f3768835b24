package org.onecexporter.queue.model;

import org.onecexporter.queue.QueueConfigException;

/**
 * The Redis key layout, all under one prefix holding a hash tag so every script touches one cluster slot.
 * Documented for operators in {@code ops/REDIS.md}.
 */
public record QueueKeys(String prefix) {
  public static final String DEFAULT_PREFIX = "{onec:invoices}";

  public QueueKeys {
    if (!hasHashTag(prefix)) {
      throw new QueueConfigException("QUEUE_PREFIX", "must contain a hash tag such as {onec:invoices}, got '" + prefix + "'");
    }
  }

  /**
   * Redis Cluster's rule: the tag is what lies between the first '{' and the first '}' after it, and only when
   * that is not empty ({@code {}{x}} has none: every key would hash whole, and scripts fail with CROSSSLOT).
   */
  static boolean hasHashTag(String prefix) {
    int open = prefix.indexOf('{');
    if (open < 0) {
      return false;
    }
    int close = prefix.indexOf('}', open + 1);
    return close > open + 1;
  }

  /** LIST of order ids waiting; enqueue pushes left, claim pops right. */
  public String ready() {
    return prefix + ":ready";
  }

  /** ZSET order id → due time (ms since epoch, Redis clock): retries waiting for their turn. */
  public String delayed() {
    return prefix + ":delayed";
  }

  /** ZSET order id → lease deadline (ms): jobs a worker is exporting now. */
  public String active() {
    return prefix + ":active";
  }

  /**
   * ZSET order id → the time it died, in microseconds (entries of one millisecond keep their order): the dead-letter
   * queue, jobs that need a person. The entry an operator reads (JSON) is rendered from the dead job record
   * {@link #job(String)}; listed newest first with ZREVRANGE.
   */
  public String dlq() {
    return prefix + ":dead";
  }

  /**
   * LIST of JSON entries, newest first: the DLQ as versions before the sorted set kept it. reindex.lua moves its
   * entries into {@link #dlq()} in bounded steps (an older worker still pushing during a rolling upgrade included).
   */
  public String legacyDlq() {
    return prefix + ":dlq";
  }

  /** LIST of DLQ entries without an order id (pushed by hand onto the old list): kept for a person, counted as {@code unreadable}. */
  public String dlqUnreadable() {
    return prefix + ":dead_unreadable";
  }

  /** HASH per job: state, attempts, token, invoice_number, errors, timestamps. */
  public String job(String orderId) {
    return prefix + ":job:" + orderId;
  }

  /** LIST, newest first and capped at 10,000: "done_at enqueued_to_done_ms call_ms" per exported job. */
  public String exportTimes() {
    return prefix + ":export_times";
  }

  /** LIST of wake-up tokens idle workers block on (BLPOP). */
  public String wake() {
    return prefix + ":wake";
  }

  /** HASH of fleet-wide counters. */
  public String stats() {
    return prefix + ":stats";
  }

  /** ZSET permit id → lease deadline: calls to 1C in flight across the fleet. */
  public String permits() {
    return prefix + ":onec_permits";
  }

  /**
   * ZSET order id → due (ms): jobs that waited for 1C while the whole fleet knew it was down (a failed probe, the
   * streak that marked it down): the first claim after 1C answers again makes them due at once, so the oldest
   * orders do not wait out twice the probe interval behind the backlog.
   */
  public String outageWaits() {
    return prefix + ":outage_waits";
  }

  /** HASH: 1C's health as the whole fleet sees it (up/down, failure streak, next probe). */
  public String onecHealth() {
    return prefix + ":onec_health";
  }

  public String permitsWake() {
    return prefix + ":onec_permits:wake";
  }

  /** HASH: the reconciler's cursors across runs ({@code order_cursor}: last order id looked at; {@code scan_cursor}). */
  public String reconcile() {
    return prefix + ":reconcile";
  }

  /** STRING with PX: who runs a periodic fleet-wide task (reaper, reconciler) this interval. */
  public String lock(String name) {
    return prefix + ":lock:" + name;
  }

  /** HASH reason → how many DLQ entries have it, kept by every script that adds or removes an entry. */
  public String dlqReasons() {
    return prefix + ":dlq_reasons";
  }

  /** HASH reason → count: reindex.lua's counts of the DLQ while it walks it; replaces {@link #dlqReasons()} at the end. */
  public String dlqReasonsWalk() {
    return prefix + ":dlq_reasons_walk";
  }

  /**
   * HASH: what tells where a record's id lives without reading the lists (includes/indexes.lua): the ready list's
   * and the DLQ's epochs (a record stamped with the current one is in the list), whether every record the lists held
   * before the stamps existed has been stamped, and reindex.lua's place in its walk over the DLQ.
   */
  public String indexes() {
    return prefix + ":indexes";
  }

  /** HASH worker id → its latest heartbeat (JSON), written by each worker every few seconds. */
  public String workers() {
    return prefix + ":workers";
  }

  /** STRING with PX: the answer of one script call, kept so that a resent call answers the same. */
  public String reply(String call) {
    return prefix + ":reply:" + call;
  }
}
