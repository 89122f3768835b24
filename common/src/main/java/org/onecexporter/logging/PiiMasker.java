package org.onecexporter.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.onecexporter.json.Json;

/**
 * Masks personal data (customer name, phone, address) before it reaches a log. On by default; {@code LOG_PII=true}
 * turns masking off for debugging with a shop's consent.
 */
public final class PiiMasker {
  private static final Set<String> PII_KEYS = Set.of(
      "phone", "address", "customer_name", "customer_phone", "customer_address", "email", "customer_email");
  private static final int MAX_LOGGED_BODY = 4000;

  private final boolean enabled;

  public PiiMasker(boolean enabled) {
    this.enabled = enabled;
  }


  public boolean enabled() {
    return enabled;
  }

  /** A JSON body with personal fields masked; a non-JSON body only shortened. */
  public String body(String body) {
    if (body == null || body.isEmpty()) {
      return "";
    }
    String result = body;
    if (enabled) {
      try {
        JsonNode tree = Json.MAPPER.readTree(body);
        if (tree != null && tree.isContainerNode()) {
          maskTree(tree, false);
          result = Json.MAPPER.writeValueAsString(tree);
        }
      } catch (Exception notJson) {
        result = body;
      }
    }
    return result.length() > MAX_LOGGED_BODY ? result.substring(0, MAX_LOGGED_BODY) + "…" : result;
  }

  public String name(String value) {
    if (!enabled || value == null) {
      return value;
    }
    StringBuilder out = new StringBuilder();
    for (String word : value.trim().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.appendCodePoint(word.codePointAt(0)).append("***");
    }
    return out.toString();
  }

  public String phone(String value) {
    if (!enabled || value == null) {
      return value;
    }
    String digits = value.replaceAll("\\D", "");
    if (digits.length() < 5) {
      return "***";
    }
    return "***" + digits.substring(digits.length() - 2);
  }

  public String address(String value) {
    return !enabled || value == null ? value : "***";
  }

  private void maskTree(JsonNode node, boolean insideCustomer) {
    if (node.isArray()) {
      node.forEach(child -> maskTree(child, insideCustomer));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    ObjectNode object = (ObjectNode) node;
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey().toLowerCase(Locale.ROOT);
      JsonNode value = field.getValue();
      if (value.isTextual() && (PII_KEYS.contains(key) || (insideCustomer && key.equals("name")))) {
        String masked = switch (key) {
          case "phone", "customer_phone" -> phone(value.asText());
          case "name", "customer_name" -> name(value.asText());
          default -> address(value.asText());
        };
        field.setValue(TextNode.valueOf(masked));
      } else if (value.isContainerNode()) {
        maskTree(value, key.equals("customer") || key.equals("buyer"));
      }
    }
  }
}
