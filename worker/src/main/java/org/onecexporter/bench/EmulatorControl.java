package org.onecexporter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.onecexporter.json.Json;

/** Talks to a running emulator's control endpoints ({@code /_emulator/...}). */
final class EmulatorControl {
  private final String root;
  private final HttpClient http = HttpClient.newHttpClient();

  EmulatorControl(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
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

  int invoiceCount() {
    return get("/_emulator/invoices").get("count").asInt();
  }

  JsonNode received() {
    return get("/_emulator/received");
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      return Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException("emulator at " + root + " does not answer " + path, e);
    }
  }

  private void post(String path, String body) {
    try {
      http.send(HttpRequest.newBuilder(URI.create(root + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      throw new IllegalStateException("emulator at " + root + " does not answer " + path, e);
    }
  }
}
