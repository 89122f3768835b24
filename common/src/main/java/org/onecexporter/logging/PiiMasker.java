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
    return body(body, MAX_LOGGED_BODY);
  }

  private String body(String body, int max) {
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
    return result.length() > max ? result.substring(0, max) + "…" : result;
  }

  private static final java.util.regex.Pattern PHONE_LIKE =
      java.util.regex.Pattern.compile("\\+?\\d[\\d\\s()\\-.]{6,}\\d");
  private static final java.util.regex.Pattern EMAIL =
      java.util.regex.Pattern.compile("[\\p{L}\\d._%+-]+@[\\p{L}\\d-]+(\\.[\\p{L}\\d-]+)+");

  /**
   * Text from outside our code — 1C's answers, which like to name the buyer and the phone — made fit for a log, a
   * DLQ entry or a job record: personal JSON fields masked as in {@link #body}, then every occurrence of this
   * order's own customer values ({@code known}: name, phone, address; each word of three letters or more of a name
   * or address, any formatting of the phone's digits), any run of 10 to 15 digits that looks like a phone and any
   * e-mail address masked, and the result capped at {@code max} characters. With masking off ({@code
   * LOG_PII=true}) only the cap applies.
   */
  public String foreign(String text, java.util.Collection<String> known, int max) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String result = text;
    if (enabled) {
      result = body(result, Integer.MAX_VALUE);
      for (String value : known) {
        result = maskKnown(result, value);
      }
      result = PHONE_LIKE.matcher(result).replaceAll(match -> {
        String digits = match.group().replaceAll("\\D", "");
        return digits.length() >= 10 && digits.length() <= 15
            ? java.util.regex.Matcher.quoteReplacement(phone(digits)) : java.util.regex.Matcher.quoteReplacement(match.group());
      });
      result = EMAIL.matcher(result).replaceAll("***@***");
    }
    return result.length() > max ? result.substring(0, max) + "…" : result;
  }

  private String maskKnown(String text, String value) {
    if (value == null || value.isBlank()) {
      return text;
    }
    String digits = value.replaceAll("\\D", "");
    if (digits.length() >= 7 && digits.length() * 2 >= value.strip().length()) {
      // a phone: its last 10 digits in any formatting (8 916 000-00-00, +7 (916) 000 00 00, 79160000000)
      String tail = digits.length() > 10 ? digits.substring(digits.length() - 10) : digits;
      StringBuilder regex = new StringBuilder();
      for (int i = 0; i < tail.length(); i++) {
        if (i > 0) {
          regex.append("[\\s()\\-.]*");
        }
        regex.append(tail.charAt(i));
      }
      return java.util.regex.Pattern.compile("(\\+?\\d[\\s()\\-.]*)?" + regex).matcher(text)
          .replaceAll(java.util.regex.Matcher.quoteReplacement(phone(digits)));
    }
    String result = text;
    for (String word : value.strip().split("[\\s,.;]+")) {
      if (word.codePointCount(0, word.length()) >= 3) {
        result = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(word),
                java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE)
            .matcher(result).replaceAll(java.util.regex.Matcher.quoteReplacement(name(word)));
      }
    }
    return result;
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
