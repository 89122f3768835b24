package org.onecexporter.onec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponseClassifierTest {
  private static final String JSON = "application/json; charset=utf-8";

  @Test
  void not_configured_from_the_extension_is_its_own_outcome_with_the_retry_after() {
    CallOutcome outcome = ResponseClassifier.classify(new HttpAnswer(503, JSON,
        "{\"status\":\"not_configured\",\"errors\":[\"settings: the delivery item is not set\"]}",
        Optional.of(Duration.ofSeconds(300))));

    assertThat(outcome).isInstanceOfSatisfying(CallOutcome.NotConfigured.class, n -> {
      assertThat(n.httpStatus()).isEqualTo(503);
      assertThat(n.retryAfter()).isEqualTo(Duration.ofSeconds(300));
      assertThat(n.reason()).contains("not configured").contains("delivery item");
    });
  }

  @Test
  void a_plain_503_page_stays_a_transient_failure() {
    CallOutcome outcome = ResponseClassifier.classify(new HttpAnswer(503, "text/html",
        "<html><body><h1>503 Service Unavailable</h1></body></html>", Optional.empty()));

    assertThat(outcome).isInstanceOf(CallOutcome.Transient.class);
  }

  @Test
  void a_500_with_an_error_id_is_transient_and_carries_no_more_than_the_answer() {
    CallOutcome outcome = ResponseClassifier.classify(new HttpAnswer(500, JSON,
        "{\"status\":\"error\",\"error_id\":\"0b1c…\",\"errors\":[\"internal error in 1C, see the event log\"]}",
        Optional.empty()));

    assertThat(outcome).isInstanceOf(CallOutcome.Transient.class);
  }
}
