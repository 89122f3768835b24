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
  void wrong_credentials_and_missing_rights_refuse_the_exporter_not_the_order_and_say_what_to_check() {
    CallOutcome credentials = ResponseClassifier.classify(new HttpAnswer(401, "text/plain", "", Optional.empty()));
    CallOutcome rights = ResponseClassifier.classify(new HttpAnswer(403, JSON,
        "{\"status\":\"access_denied\",\"errors\":[\"no right to add Счёт на оплату\"]}", Optional.empty()));

    assertThat(credentials).isInstanceOfSatisfying(CallOutcome.AccessRefused.class,
        a -> assertThat(a.reason()).contains("401").contains("ONEC_USERNAME").contains("ONEC_PASSWORD"));
    assertThat(rights).isInstanceOfSatisfying(CallOutcome.AccessRefused.class,
        a -> assertThat(a.reason()).contains("403").contains("rights").contains("access_denied"));
  }

  @Test
  void a_create_of_a_number_cancelled_before_its_invoice_was_made_is_its_own_refusal_and_other_409s_are_not() {
    CallOutcome cancelled = ResponseClassifier.classify(new HttpAnswer(409, JSON,
        "{\"status\":\"cancelled\",\"errors\":[\"invoice_number: the shop cancelled this number\"]}",
        Optional.empty()));
    CallOutcome other = ResponseClassifier.classify(new HttpAnswer(409, JSON,
        "{\"status\":\"conflict\"}", Optional.empty()));

    assertThat(cancelled).isInstanceOfSatisfying(CallOutcome.Permanent.class, p -> {
      assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.CANCELLED_BEFORE_CREATION);
      assertThat(p.reason()).contains("409 cancelled");
    });
    assertThat(other).isInstanceOfSatisfying(CallOutcome.Permanent.class,
        p -> assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.REFUSED));
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

  private static final String UUID = "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "{\"status\":\"created\",\"document_id\":\"d-1\",\"number\":\"0000-000001\"}",
      "{\"status\":\"created\",\"document_id\":\"6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b\u202e\"}",
      "{\"status\":\"created\",\"document_id\":\"6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b\",\"number\":\"0000-\u202e10\"}",
      "{\"status\":\"created\",\"number\":\"0000-0000001\"}",
      "{\"status\":\"created\",\"number\":\"<b>1</b>\"}",
      "{\"status\":\"exists\",\"existing\":true,\"document_id\":\"not-a-uuid\"}"})
  void a_success_answer_outside_the_contract_is_never_success(String body) {
    for (int status : new int[] {200, 201}) {
      CallOutcome outcome = ResponseClassifier.classify(new HttpAnswer(status, JSON, body, Optional.empty()));
      assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Transient.class,
          t -> assertThat(t.reason()).contains("not as the invoices contract says"));
    }
  }

  @Test
  void a_3000_character_document_id_is_refused_and_not_quoted_whole() {
    CallOutcome outcome = ResponseClassifier.classify(new HttpAnswer(201, JSON,
        "{\"status\":\"created\",\"document_id\":\"" + "a".repeat(3000) + "\"}", Optional.empty()));

    assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Transient.class, t -> assertThat(t.reason())
        .contains("its document_id is not a UUID (3000 characters)").hasSizeLessThan(600));
  }

  @Test
  void a_success_answer_as_the_contract_says_is_success() {
    assertThat(ResponseClassifier.classify(new HttpAnswer(201, JSON,
        "{\"status\":\"created\",\"document_id\":\"" + UUID + "\",\"number\":\"ИМ00-000001\"}", Optional.empty())))
        .isEqualTo(new CallOutcome.Success(201, UUID, "ИМ00-000001", false));
    assertThat(ResponseClassifier.classify(new HttpAnswer(409, JSON,
        "{\"status\":\"exists\",\"document_id\":\"" + UUID.toUpperCase(java.util.Locale.ROOT) + "\"}",
        Optional.empty()))).isInstanceOf(CallOutcome.Success.class);
  }
}
