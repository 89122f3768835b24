package org.onecexporter.enqueuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.onecexporter.queue.QueueUnavailableException;
import org.slf4j.LoggerFactory;

/**
 * An enqueue Redis refuses (unreachable, out of memory) is logged by the enqueuer itself, not only counted: the
 * first at once, then at most one line per interval saying how many were refused since, so a flood of payments
 * against a sick Redis cannot flood the log.
 */
class RefusedEnqueueLogTest {
  /** An enqueuer whose Redis refuses every connection (a port nothing listens on), with a short timeout. */
  private static InvoiceEnqueuer onAClosedPort() throws java.io.IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    return InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", "redis://127.0.0.1:" + closedPort,
        "ENQUEUER_REDIS_TIMEOUT_MS", "100"), InvoiceEnqueuer.Listener.NONE);
  }

  @Test
  void refused_enqueues_are_logged_at_once_and_then_at_most_once_per_interval() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(InvoiceEnqueuer.class);
    logger.addAppender(logs);
    try (InvoiceEnqueuer enqueuer = onAClosedPort()) {
      for (int i = 1; i <= 20; i++) {
        long id = i;
        assertThatThrownBy(() -> enqueuer.enqueue(id)).isInstanceOf(QueueUnavailableException.class);
      }
      assertThat(enqueuer.failedCount()).isEqualTo(20);
    } finally {
      logger.detachAppender(logs);
    }
    List<ILoggingEvent> refused = logs.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getFormattedMessage().contains("refused"))
        .toList();
    assertThat(refused).as("one line for the first refusal, none more within the interval").hasSize(1);
    assertThat(refused.get(0).getFormattedMessage()).contains("1 enqueue").contains("reconciler");
  }
  @Test
  void a_flood_of_failed_quiet_enqueues_logs_a_bounded_number_of_order_lines() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(InvoiceEnqueuer.class);
    logger.addAppender(logs);
    try (InvoiceEnqueuer enqueuer = onAClosedPort()) {
      List<java.util.concurrent.CompletableFuture<EnqueueStatus>> answers = new java.util.ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        answers.add(enqueuer.enqueueQuietlyAsync(i).toCompletableFuture());
      }
      for (int i = 301; i <= 320; i++) {
        assertThat(enqueuer.enqueueQuietly(i)).isEqualTo(EnqueueStatus.FAILED);
      }
      for (var answer : answers) {
        assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(EnqueueStatus.FAILED);
      }
      assertThat(enqueuer.failedCount()).isEqualTo(320);
    } finally {
      logger.detachAppender(logs);
    }
    List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    assertThat(errors.stream().filter(e -> e.getFormattedMessage().startsWith("could not queue")))
        .as("the first orders of the interval, each with its id").hasSize(InvoiceEnqueuer.FAILED_ORDER_LINES);
    assertThat(errors).as("then one line saying the rest is counted")
        .hasSize(InvoiceEnqueuer.FAILED_ORDER_LINES + 1);
    assertThat(errors.get(errors.size() - 1).getFormattedMessage()).contains("counted", "reconciler");
  }
}
