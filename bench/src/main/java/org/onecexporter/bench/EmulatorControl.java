package org.onecexporter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.onecexporter.json.Json;

/**
 * Talks to a running emulator's control endpoints ({@code /_emulator/...}), with the service's Basic credentials
 * ({@code ONEC_USERNAME}/{@code ONEC_PASSWORD}, else the emulator's defaults).
 */
final class EmulatorControl {
  private final String root;
  private final String authorization;
  private final HttpClient http = HttpClient.newHttpClient();

  EmulatorControl(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    String user = System.getenv().getOrDefault("ONEC_USERNAME", "Администратор");
    String password = System.getenv().getOrDefault("ONEC_PASSWORD", "пароль");
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  String baseUrl() {
    return root + "/unf";
  }

  void reset() {
    post("/_emulator/reset", "");
  }

  void latency(long millis) {
    post("/_emulator/faults", "{\"latency_ms\":" + millis + "}");
  }

  /** A fault plan as the emulator's {@code POST /_emulator/faults} takes it (probabilities replace the last ones). */
  void faults(String plan) {
    post("/_emulator/faults", plan);
  }

  JsonNode stats() {
    return get("/_emulator/stats");
  }

  /**
   * The invoices answered since the last reset and the emulator's time for them in all (handler's start to the
   * answer written), {0, 0} from an emulator that does not count them.
   */
  long[] answerTotals() {
    JsonNode stats = stats();
    return new long[] {stats.path("answers").asLong(0), stats.path("answer_nanos").asLong(0)};
  }

  /**
   * Puts beside a run's rate the 1C time its answers took, as the emulator kept it between {@code before} and now
   * ({@link #answerTotals()}), and the rate as a share of the limit at that time: {@code cap} calls of that length
   * back to back. The nominal limit takes the latency asked for; this one what the emulator gave on this machine.
   */
  void putAnswered(com.fasterxml.jackson.databind.node.ObjectNode r, long[] before, int cap, double rate) {
    long[] after = answerTotals();
    long answers = after[0] - before[0];
    if (answers <= 0) {
      return;
    }
    double meanMillis = (after[1] - before[1]) / 1e6 / answers;
    r.put("onec_answer_mean_ms", Math.round(meanMillis * 100) / 100.0)
        .put("percent_of_answered_limit", Math.round(rate / (cap * 1000.0 / meanMillis) * 1000) / 10.0);
  }

  int invoiceCount() {
    return get("/_emulator/invoices").get("count").asInt();
  }

  JsonNode received() {
    return get("/_emulator/received");
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root + path))
              .header("Authorization", authorization).build(),
          HttpResponse.BodyHandlers.ofString());
      return Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException("emulator at " + root + " does not answer " + path, e);
    }
  }

  private void post(String path, String body) {
    try {
      http.send(HttpRequest.newBuilder(URI.create(root + path)).header("Authorization", authorization)
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      throw new IllegalStateException("emulator at " + root + " does not answer " + path, e);
    }
  }
}
