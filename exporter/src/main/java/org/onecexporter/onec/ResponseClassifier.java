package org.onecexporter.onec;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.onecexporter.json.Json;

/**
 * Reads a 1C answer the way real 1C servers mean it (see NOTES-1C): an HTML page with 200 is never success, a
 * 403 during an update is transient, a 409 is a duplicate only when its JSON says so. Pure.
 */
public final class ResponseClassifier {
  /** Bodies 1C sends while sessions are locked for an update or a backup. */
  private static final List<String> SESSION_LOCK_MARKERS = List.of(
      "начало сеанса с информационной базой запрещено",
      "установлена блокировка соединений",
      "сеансы запрещены");

  private static final Set<Integer> TRANSIENT_STATUSES = Set.of(406, 408, 425, 429, 500, 502, 503, 504);
  private static final Set<String> EXISTS_STATUSES = Set.of("exists", "existing", "already_exists", "duplicate");
  private static final int MAX_REASON_BODY = 300;
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  static final int MAX_DOCUMENT_NUMBER = 11;
  private static final Pattern DOCUMENT_NUMBER = Pattern.compile("[\\p{L}\\p{Nd}][\\p{L}\\p{Nd} \\-/._#]{0,10}");
  /** How much of an answer is searched for a session-lock text. */
  private static final int MAX_SCANNED_BODY = 65_536;

  private ResponseClassifier() {}

  public static CallOutcome classify(HttpAnswer answer) {
    int status = answer.status();
    JsonNode json = parseObject(answer.body());

    if (status >= 200 && status < 300) {
      if (json == null) {
        return new CallOutcome.Transient(status, "1C answered " + status + " without a JSON body"
            + describeBody(answer) + "; an HTML page here usually means ONEC_BASE_URL/ONEC_INVOICES_ENDPOINT point at"
            + " the publication root or a proxy page, not the HTTP service", null);
      }
      String bodyStatus = text(json, "status");
      if (bodyStatus != null && Set.of("error", "failed", "rejected").contains(bodyStatus.toLowerCase(Locale.ROOT))) {
        return new CallOutcome.Permanent(status, "1C answered " + status + " with status '" + bodyStatus + "'"
            + describeBody(answer));
      }
      return success(status, json, answer);
    }
    if (json != null && "not_configured".equalsIgnoreCase(String.valueOf(text(json, "status")))) {
      return new CallOutcome.NotConfigured(status, "1C is not configured for the shop (" + status + ")"
          + describeBody(answer), answer.retryAfter().orElse(null));
    }
    if (status == 409 && json != null && saysExists(json)) {
      return success(status, json, answer);
    }
    if (status == 409 && json != null && "cancelled".equalsIgnoreCase(String.valueOf(text(json, "status")))) {
      return new CallOutcome.Permanent(status, "1C made no invoice: the shop cancelled this number before 1C made"
          + " one (409 cancelled)" + describeBody(answer), CallOutcome.Refusal.CANCELLED_BEFORE_CREATION);
    }
    if (status == 403 && isSessionLock(answer.body())) {
      return new CallOutcome.Transient(status, "1C refused new sessions (infobase locked for an update or a backup)"
          + describeBody(answer), answer.retryAfter().orElse(null));
    }
    if (status == 401) {
      return new CallOutcome.AccessRefused(status,
          "1C rejected the credentials (401): check ONEC_USERNAME and ONEC_PASSWORD" + describeBody(answer));
    }
    if (status == 403) {
      return new CallOutcome.AccessRefused(status, "1C user has no rights for the invoices service (403): check the"
          + " roles and access groups of ONEC_USERNAME's user in 1C" + describeBody(answer));
    }
    if (status == 404) {
      return new CallOutcome.Permanent(status, "the invoices HTTP service was not found (404): check ONEC_BASE_URL,"
          + " ONEC_INVOICES_ENDPOINT and that the service is published" + describeBody(answer));
    }
    if (TRANSIENT_STATUSES.contains(status) || (status >= 500 && status != 501 && status != 505)) {
      return new CallOutcome.Transient(status, "1C answered " + status + describeBody(answer),
          answer.retryAfter().orElse(null));
    }
    return new CallOutcome.Permanent(status, "1C answered " + status + describeBody(answer));
  }

  /**
   * An answer to {@code POST <invoices>/<number>/cancel}: 200 {@code cancelled} or {@code already_cancelled} is
   * success (the document's id and number held to the contract as for a created invoice); 404 {@code not_found} and
   * 409 {@code has_based_documents} are refusals with a DLQ reason of their own; any other 2xx is not success (an
   * answer that does not say the invoice is marked never counts as marked); a 409 is never "exists" here; the rest
   * reads as for the create call.
   */
  public static CallOutcome classifyCancel(HttpAnswer answer) {
    int status = answer.status();
    JsonNode json = parseObject(answer.body());
    String bodyStatus = json == null ? null : text(json, "status");
    String said = bodyStatus == null ? "" : bodyStatus.toLowerCase(Locale.ROOT);
    if (status >= 200 && status < 300) {
      if (json == null) {
        return classify(answer); // the 2xx without JSON: the HTML page of a wrong path, a proxy page
      }
      if (said.equals("cancelled") || said.equals("already_cancelled")) {
        CallOutcome read = success(status, json, answer);
        return read instanceof CallOutcome.Success s
            ? new CallOutcome.Success(status, s.documentId(), s.documentNumber(), said.equals("already_cancelled"))
            : read;
      }
      if (Set.of("error", "failed", "rejected").contains(said)) {
        return new CallOutcome.Permanent(status, "1C answered " + status + " with status '" + bodyStatus + "'"
            + describeBody(answer));
      }
      return new CallOutcome.Transient(status, "1C answered " + status + " to the cancellation without saying the"
          + " invoice is marked (status 'cancelled' or 'already_cancelled')" + describeBody(answer), null);
    }
    if (status == 404 && said.equals("not_found")) {
      return new CallOutcome.Permanent(status, "1C has no invoice for this number to cancel (404 not_found)"
          + describeBody(answer), CallOutcome.Refusal.INVOICE_NOT_FOUND);
    }
    if (status == 409 && said.equals("has_based_documents")) {
      return new CallOutcome.Permanent(status, "1C did not cancel the invoice: documents are based on it (a payment,"
          + " a shipment); the accountant decides (409 has_based_documents)" + describeBody(answer),
          CallOutcome.Refusal.INVOICE_HAS_DOCUMENTS);
    }
    if (status == 409) {
      return new CallOutcome.Permanent(status, "1C answered 409" + describeBody(answer));
    }
    if (status == 404) {
      return new CallOutcome.Permanent(status, "the cancel method of the invoices HTTP service was not found (404):"
          + " check ONEC_BASE_URL, ONEC_INVOICES_ENDPOINT and that the 1C extension is a version with"
          + " POST /hs/invoices/{number}/cancel" + describeBody(answer));
    }
    return classify(answer);
  }

  /** A failure without an answer: connection refused or reset, timeout, dropped connection. */
  public static CallOutcome noAnswer(Exception e) {
    String kind = e.getClass().getSimpleName();
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return new CallOutcome.Transient(0, "no answer from 1C (" + kind + message + ")", null);
  }

  static boolean isSessionLock(String body) {
    // 1C's lock texts come first in a short answer; a long one is not searched to its end.
    String lower = body.substring(0, Math.min(body.length(), MAX_SCANNED_BODY)).toLowerCase(Locale.ROOT);
    return SESSION_LOCK_MARKERS.stream().anyMatch(lower::contains);
  }

  /**
   * A success answer as the contract writes it, or a failure: 1C's {@code document_id} must be a UUID and its
   * {@code number} (the document's own number, a String(11) in UNF) at most 11 letters, digits, spaces and {@code
   * - / . _ #} — what is stored and logged from 1C is never an arbitrary string (a 3,000-character id, a
   * right-to-left override that turns a log line around). Either may be absent. A 2xx that breaks this is handled
   * like the 2xx HTML page: never success, a transient failure, since 1C has most likely created the invoice and
   * the next attempt is answered "exists".
   */
  private static CallOutcome success(int status, JsonNode json, HttpAnswer answer) {
    boolean existing = json.path("existing").asBoolean(false) || saysExists(json);
    String documentId = firstText(json, "document_id", "documentId", "id", "ref");
    String number = firstText(json, "number", "document_number");
    List<String> wrong = new java.util.ArrayList<>(2);
    if (documentId != null && !UUID.matcher(documentId).matches()) {
      wrong.add("its document_id is not a UUID (" + documentId.length() + " characters)");
    }
    if (number != null && !DOCUMENT_NUMBER.matcher(number).matches()) {
      wrong.add("its number is not at most " + MAX_DOCUMENT_NUMBER + " letters, digits, spaces and - / . _ # ("
          + number.length() + " characters)");
    }
    if (!wrong.isEmpty()) {
      return new CallOutcome.Transient(status, "1C answered " + status + " but not as the invoices contract says: "
          + String.join(", ", wrong) + describeBody(answer), null);
    }
    return new CallOutcome.Success(status, documentId, number, existing);
  }

  private static boolean saysExists(JsonNode json) {
    if (json.path("existing").asBoolean(false) || json.path("exists").asBoolean(false)) {
      return true;
    }
    String bodyStatus = text(json, "status");
    return bodyStatus != null && EXISTS_STATUSES.contains(bodyStatus.toLowerCase(Locale.ROOT));
  }

  private static JsonNode parseObject(String body) {
    String trimmed = body.strip();
    if (!trimmed.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = Json.MAPPER.readTree(trimmed);
      return node != null && node.isObject() ? node : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static String firstText(JsonNode json, String... names) {
    for (String name : names) {
      String value = text(json, name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static String text(JsonNode json, String name) {
    JsonNode node = json.get(name);
    return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
  }

  static String describeBody(HttpAnswer answer) {
    // Cut before collapsing: only the head of a long body is quoted, so only the head is looked at.
    String body = answer.body();
    String head = body.length() > MAX_REASON_BODY * 4 ? body.substring(0, MAX_REASON_BODY * 4) : body;
    String collapsed = head.replaceAll("\\s+", " ").strip();
    if (collapsed.isEmpty()) {
      return "";
    }
    if (collapsed.length() > MAX_REASON_BODY || head.length() < body.length()) {
      int end = Math.min(collapsed.length(), MAX_REASON_BODY);
      if (Character.isHighSurrogate(collapsed.charAt(end - 1))) {
        end--;
      }
      // A word or number the cut splits is dropped whole: the masker recognises a name by its stem and a phone by
      // its digits, and a fragment such as "Ива" or "+7 916 12" has neither.
      collapsed = collapsed.substring(0, end)
          .replaceFirst("[\\p{L}\\p{M}\\p{Nd}._%+@-]*$", "")
          .replaceFirst("[\\d\\s()+.-]*$", "") + "…";
    }
    return ": " + collapsed;
  }

  /** Bounded wait for a server-sent Retry-After, so a wrong header cannot park a job for days. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
}
