package org.onecexporter.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.onecexporter.queue.JobQueue;

/** The dead-letter list parsed (the queue module stores it as JSON text and has no JSON library). */
public final class DlqEntries {
  private DlqEntries() {}

  /** Newest first; a garbage entry comes back with only {@code raw}. */
  public static List<JsonNode> read(JobQueue queue, int limit) {
    List<JsonNode> result = new ArrayList<>();
    for (String entry : queue.dlqRaw(limit)) {
      try {
        result.add(Json.MAPPER.readTree(entry));
      } catch (IOException e) {
        result.add(Json.MAPPER.createObjectNode().put("raw", entry));
      }
    }
    return result;
  }
}
