package org.onecexporter.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.onecexporter.json.Json;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.HttpAnswer;
import org.onecexporter.onec.ResponseClassifier;

/**
 * Every reason the exporter gives for a 1C answer (ResponseClassifier: the create call, the cancel call, no answer)
 * has a template in the console's catalogue (console/messages.json), matched as app.js matches it: the first template
 * that matches the whole text wins, {onec} is what 1C wrote and stays as it is, so the Russian page shows no English
 * words of the exporter's own. An unmatched text is shown in English on the Russian page.
 */
class MessageCatalogueTest {
  private static final String JSON = "application/json; charset=utf-8";

  private record Template(Pattern re, List<String> names, String en, String ru) {}

  /**
   * As app.js's CATALOGUE: {onec} greedy, {status} three digits, every other {name} lazy, the rest literal, anchored
   * at both ends.
   */
  private static List<Template> catalogue() throws IOException {
    JsonNode doc;
    try (InputStream in = ConsoleServer.class.getResourceAsStream("/console/messages.json")) {
      doc = Json.MAPPER.readTree(in);
    }
    List<Template> out = new ArrayList<>();
    for (JsonNode m : doc.get("messages")) {
      String en = m.get("en").asText();
      List<String> names = new ArrayList<>();
      StringBuilder re = new StringBuilder("^");
      Matcher part = Pattern.compile("\\{([a-z_]+)\\}").matcher(en);
      int at = 0;
      while (part.find()) {
        re.append(Pattern.quote(en.substring(at, part.start())));
        names.add(part.group(1));
        re.append(switch (part.group(1)) {
          case "onec" -> "([\\s\\S]*)";
          case "status" -> "(\\d{3})";
          default -> "([\\s\\S]*?)";
        });
        at = part.end();
      }
      re.append(Pattern.quote(en.substring(at))).append('$');
      out.add(new Template(Pattern.compile(re.toString()), names, en, m.get("ru").asText()));
    }
    return out;
  }

  private static String reason(CallOutcome outcome) {
    return switch (outcome) {
      case CallOutcome.Transient t -> t.reason();
      case CallOutcome.NotConfigured n -> n.reason();
      case CallOutcome.AccessRefused a -> a.reason();
      case CallOutcome.Permanent p -> p.reason();
      default -> throw new AssertionError("no reason: " + outcome);
    };
  }

  private static HttpAnswer answer(int status, String contentType, String body) {
    return new HttpAnswer(status, contentType, body, Optional.empty());
  }

  @Test
  void every_reason_the_exporter_gives_for_a_1c_answer_has_a_russian_text_and_keeps_1cs_words_as_1c_wrote_them()
      throws IOException {
    String denied = "{\"status\":\"access_denied\",\"errors\":[\"rights: no «Добавление» on Документ.СчетНаОплату\"]}";
    String notConfigured = "{\"status\":\"not_configured\",\"errors\":[\"settings: the delivery item is not set\"]}";
    String cancelled = "{\"status\":\"cancelled\",\"errors\":[\"invoice_number: the shop cancelled this number\"]}";
    String lock = "Начало сеанса с информационной базой запрещено";
    String html = "<html><body>Публикация</body></html>";
    String notFound = "{\"status\":\"not_found\"}";
    String based = "{\"status\":\"has_based_documents\",\"errors\":[\"Оплата 12\"]}";
    String unclear = "{\"status\":\"ok\"}";
    // What 1C wrote as the reason quotes it: ": " and the body, or nothing for an empty body.
    record Case(CallOutcome outcome, String onec) {}
    List<Case> cases = List.of(
        new Case(ResponseClassifier.classify(answer(401, "text/plain", "")), ""),
        new Case(ResponseClassifier.classify(answer(401, JSON, "{\"error\":\"bad\"}")), ": {\"error\":\"bad\"}"),
        new Case(ResponseClassifier.classify(answer(403, JSON, denied)), ": " + denied),
        new Case(ResponseClassifier.classify(answer(503, JSON, notConfigured)), ": " + notConfigured),
        new Case(ResponseClassifier.classify(answer(403, "text/plain", lock)), ": " + lock),
        new Case(ResponseClassifier.classify(answer(409, JSON, cancelled)), ": " + cancelled),
        new Case(ResponseClassifier.classify(answer(200, "text/html", html)), ": " + html),
        new Case(ResponseClassifier.classify(answer(404, "text/plain", "Not Found")), ": Not Found"),
        new Case(ResponseClassifier.classify(answer(502, "text/plain", "Bad Gateway")), ": Bad Gateway"),
        new Case(ResponseClassifier.classifyCancel(answer(404, JSON, notFound)), ": " + notFound),
        new Case(ResponseClassifier.classifyCancel(answer(409, JSON, based)), ": " + based),
        new Case(ResponseClassifier.classifyCancel(answer(200, JSON, unclear)), ": " + unclear),
        new Case(ResponseClassifier.classifyCancel(answer(404, "text/plain", "Not Found")), ": Not Found"),
        new Case(ResponseClassifier.noAnswer(new ConnectException("Connection refused")), null));
    List<Template> catalogue = catalogue();
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      String text = reason(c.outcome());
      Optional<Template> first = catalogue.stream().filter(t -> t.re().matcher(text).matches()).findFirst();
      if (first.isEmpty()) {
        wrong.add("no template: " + text);
        continue;
      }
      Template t = first.get();
      Matcher m = t.re().matcher(text);
      m.matches();
      int onec = t.names().indexOf("onec");
      if (c.onec() != null && (onec < 0 || !m.group(onec + 1).equals(c.onec()))) {
        wrong.add("«" + t.en() + "» takes the exporter's own words for 1C's: " + text);
      }
      if (t.ru().isBlank()) {
        wrong.add("no Russian text: " + t.en());
      }
    }
    assertThat(wrong).isEmpty();
  }
  /**
   * The exporter's and the worker's own texts about our side of a call, as they write them (OneCExporter: a
   * database or lock failure, 1C's answer not recorded; PermitGatedClient: 1C down for the fleet, no permit;
   * JobRunner: an internal error): each has a Russian text.
   */
  @Test
  void the_texts_about_our_side_of_a_call_have_a_russian_text() throws IOException {
    List<String> texts = List.of(
        "database or lock failure: Connection is not available, request timed out after 10000ms",
        "1C accepted the invoice but recording it in the database failed: An I/O error occurred while sending",
        "1C answered the cancellation (cancelled) but recording it in the database failed: Connection refused",
        "1C is down for the fleet; the next probe is due in 9500 ms",
        "no 1C permit within 2000 ms: the fleet-wide cap (ONEC_MAX_CONCURRENCY) is busy",
        "no 1C permit, Redis unavailable: Redisson is shutdown",
        "interrupted while waiting for a 1C permit",
        "the 1C client is closed",
        "internal error: java.lang.IllegalStateException: boom");
    List<Template> catalogue = catalogue();
    assertThat(texts).allSatisfy(text -> assertThat(catalogue).as(text)
        .anySatisfy(t -> assertThat(t.re().matcher(text).matches()).isTrue()));
  }
}
