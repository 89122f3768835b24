package org.onecexporter.console;

import org.onecexporter.json.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.onecexporter.queue.JobQueue;

/** The dead-letter list parsed (the queue module stores it as JSON text and has no JSON library). */
public final class DlqEntries {
  private DlqEntries() {}

  /** The newest {@code limit} entries (bounded reads); a garbage entry comes back with only {@code raw}. */
  public static List<JsonNode> read(JobQueue queue, int limit) {
    return read(queue, 0, limit);
  }

  /** Up to {@code count} entries from position {@code from} (0: the newest), in bounded reads (DeadLetters.raw). */
  public static List<JsonNode> read(JobQueue queue, long from, int count) {
    List<JsonNode> result = new ArrayList<>();
    for (String entry : queue.deadLetters().raw(from, count)) {
      result.add(parse(entry));
    }
    return result;
  }

  /** One entry as stored; garbage comes back with only {@code raw}. */
  public static JsonNode parse(String entry) {
    try {
      return Json.MAPPER.readTree(entry);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode().put("raw", entry);
    }
  }

  /**
   * The DLQ entry of a dead job, built from its record {@code P:job:<id>} the way the scripts build the entry
   * (includes/dlq_entry.lua), so that one order's entry is found without reading the list; null when the record
   * is not a dead job's.
   */
  public static ObjectNode fromRecord(String orderId, Map<String, String> job) {
    if (!"dead".equals(job.get("state"))) {
      return null;
    }
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("order_id", orderId);
    String invoice = job.get("invoice_number");
    if (invoice == null) {
      e.putNull("invoice_number");
    } else {
      e.put("invoice_number", invoice);
    }
    e.put("attempts", number(job.get("attempts")));
    e.put("reason", job.getOrDefault("reason", "unknown"));
    String last = job.getOrDefault("last_error", "");
    e.put("first_error", job.getOrDefault("first_error", last));
    e.put("last_error", last);
    e.put("last_http_status", number(job.get("last_http_status")));
    e.put("enqueued_at", number(job.get("enqueued_at")));
    e.put("dead_at", number(job.get("dead_at")));
    e.put("stalls", number(job.get("stalls")));
    e.put("infra_failures", number(job.get("infra_failures")));
    return e;
  }

  private static long number(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
