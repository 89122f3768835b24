package org.onecexporter.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

  /**
   * Text from outside our code — 1C's answers, which like to name the buyer and the phone — made fit for a log, a
   * DLQ entry or a job record: personal JSON fields masked as in {@link #body}, then this order's own customer
   * values ({@code known}: name, phone, address) wherever they appear — each word of three letters or more in any
   * case, with ё as е and in its declined forms (see {@link #knownWords}), each run of three digits or more of
   * the address, the phone's digits in any formatting — then any run of 10 digits or more (a phone, a card or an
   * account number, in any grouping) and any e-mail address, and the result capped at {@code max} characters.
   * Controls and invisible format characters (a right-to-left override among them) are escaped as {@link
   * LogSafe#text} does. With masking off ({@code LOG_PII=true}) only the escaping and the cap apply.
   *
   * <p>Bounded whatever the text: the JSON pass is linear, and the text passes run over a window of {@code max}
   * plus {@link #WINDOW_MARGIN} characters only, cut before masking; a value split by that cut is dropped rather
   * than left half-masked.
   */
  public String foreign(String text, java.util.Collection<String> known, int max) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    if (!enabled) {
      return cap(LogSafe.escape(capped(text, windowSize(max))), max);
    }
    String result = body(text, Integer.MAX_VALUE);
    boolean cut = result.length() > windowSize(max);
    String window = cut ? dropSplitValue(capped(result, windowSize(max))) : result;
    window = maskKnownWords(window, knownWords(known));
    window = maskDigitRuns(window, knownPhoneDigits(known), documentNumbers(window, rootNumbers(text)));
    window = LogSafe.escape(maskEmails(window));
    return cut ? capped(window, max - 1) + "…" : cap(window, max);
  }

  /** How much text beyond the cap is masked: room for masks that shorten the text (a phone becomes ***67). */
  static final int WINDOW_MARGIN = 1024;
  /** The most separators between two digits of one number: "+7 (916) 000-00-00" has two. */
  private static final int MAX_SEPARATOR_GAP = 3;
  private static final int MAX_EMAIL_LOCAL = 64;
  private static final int MAX_EMAIL_DOMAIN = 255;

  private static int windowSize(int max) {
    return max > Integer.MAX_VALUE - WINDOW_MARGIN ? Integer.MAX_VALUE : max + WINDOW_MARGIN;
  }

  /** At most {@code max} characters, never half of a surrogate pair. */
  private static String capped(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Math.max(0, max);
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  private static String cap(String text, int max) {
    return text.length() > max ? capped(text, max) + "…" : text;
  }

  /**
   * The window's end after a cut: the word, number or address the cut went through is dropped whole (up to a
   * bound), so that neither a name's first letters nor a phone's or card's first digits nor an e-mail's local part
   * survive unmasked because the rest of them was cut off.
   */
  private static String dropSplitValue(String window) {
    int end = window.length();
    int floor = Math.max(0, end - WINDOW_MARGIN / 2);
    while (end > floor && isTokenChar(window.charAt(end - 1))) {
      end--;
    }
    while (end > floor && (isDigit(window.charAt(end - 1)) || isPhoneSeparator(window.charAt(end - 1))
        || window.charAt(end - 1) == '+')) {
      end--;
    }
    return window.substring(0, end);
  }

  private static boolean isTokenChar(char c) {
    return Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
        || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@' || Character.isSurrogate(c);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isPhoneSeparator(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b'
        || c == '(' || c == ')' || c == '-' || c == '.';
  }

  /** The last ten digits of this order's phone (all of them when shorter), or null without a phone among them. */
  private static String knownPhoneDigits(java.util.Collection<String> known) {
    for (String value : known) {
      if (isPhoneValue(value)) {
        String digits = digitsOf(value);
        return digits.length() > 10 ? digits.substring(digits.length() - 10) : digits;
      }
    }
    return null;
  }

  private static boolean isPhoneValue(String value) {
    if (value == null || value.isBlank()) {
      return false;
    }
    String digits = digitsOf(value);
    return digits.length() >= 7 && digits.length() * 2 >= value.strip().length();
  }

  private static String digitsOf(String value) {
    StringBuilder digits = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      if (isDigit(value.charAt(i))) {
        digits.append(value.charAt(i));
      }
    }
    return digits.toString();
  }

  /**
   * One pass over runs of digits (an optional leading {@code +}; digits separated by at most {@value
   * #MAX_SEPARATOR_GAP} spaces, brackets, dashes or dots): a run with 10 digits or more (a phone in any formatting,
   * a card number in groups, an account, two phones in a row), or one that holds this order's phone ({@code
   * phoneDigits}), becomes {@code ***} and its last two digits.
   */
  private String maskDigitRuns(String text, String phoneDigits, java.util.BitSet documentNumbers) {
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      boolean plus = c == '+' && i + 1 < n && isDigit(text.charAt(i + 1));
      if (!plus && !isDigit(c)) {
        i++;
        continue;
      }
      int start = i;
      int j = plus ? i + 1 : i;
      int end = j;
      StringBuilder digits = new StringBuilder();
      while (j < n) {
        if (isDigit(text.charAt(j))) {
          digits.append(text.charAt(j));
          j++;
          end = j;
          continue;
        }
        int gap = j;
        while (gap < n && gap - j < MAX_SEPARATOR_GAP && isPhoneSeparator(text.charAt(gap))) {
          gap++;
        }
        if (gap > j && gap < n && isDigit(text.charAt(gap))) {
          j = gap;
        } else {
          break;
        }
      }
      int count = digits.length();
      boolean phoneLike = count >= 10 && !documentNumbers.get(start);
      boolean known = phoneDigits != null && digits.indexOf(phoneDigits) >= 0;
      if (phoneLike || known) {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, start).append(phone(digits.toString()));
        copied = end;
      }
      i = end;
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  /**
   * JSON string values of the fields that hold a document's number ({@code "number":"0000-000001"}, as 1C names
   * its document; {@code document_number}, {@code invoice_number}): not personal data, and their 10 digits are not
   * a phone. The characters of those values are set; a run of digits that starts there is masked only when it holds
   * this order's own phone.
   */
  private static java.util.BitSet documentNumbers(String text, Set<String> rootNumbers) {
    java.util.BitSet ranges = new java.util.BitSet();
    if (rootNumbers.isEmpty()) {
      return ranges;
    }
    java.util.regex.Matcher m = DOCUMENT_NUMBER_FIELD.matcher(text);
    while (m.find()) {
      if (rootNumbers.contains(m.group(1))) {
        ranges.set(m.start(1), m.end(1));
      }
    }
    return ranges;
  }

  /**
   * The document-number fields of a JSON object answer's top level (1C's document), not of a nested object: a
   * {@code "phone":{"number":…}} stays a phone.
   */
  private static Set<String> rootNumbers(String text) {
    if (text.length() > MAX_PARSED_FOR_NUMBERS || !text.stripLeading().startsWith("{")) {
      return Set.of();
    }
    try {
      JsonNode root = Json.MAPPER.readTree(text);
      Set<String> numbers = new java.util.HashSet<>();
      for (String field : new String[] {"number", "document_number", "onec_document_number", "invoice_number"}) {
        JsonNode value = root.get(field);
        if (value != null && value.isTextual() && !value.asText().startsWith("+")) {
          numbers.add(value.asText());
        }
      }
      return numbers;
    } catch (Exception notJson) {
      return Set.of();
    }
  }

  /** Answers longer than this are not parsed again for their document number (it is then masked like any run). */
  private static final int MAX_PARSED_FOR_NUMBERS = 64 * 1024;

  private static final java.util.regex.Pattern DOCUMENT_NUMBER_FIELD = java.util.regex.Pattern.compile(
      "\"(?:number|document_number|onec_document_number|invoice_number)\"\\s*:\\s*\"([^\"\\\\]{1,64})\"");

  /**
   * E-mail addresses ({@code local@domain.tld}: up to {@value #MAX_EMAIL_LOCAL} characters before the {@code @},
   * up to {@value #MAX_EMAIL_DOMAIN} after, at least one dot) become {@code ***@***}. Each {@code @} looks a bounded
   * distance either way, so the pass is linear in the text.
   */
  private static String maskEmails(String text) {
    StringBuilder out = null;
    int copied = 0;
    int at = text.indexOf('@');
    while (at >= 0) {
      int start = at;
      while (start > copied && at - start < MAX_EMAIL_LOCAL && isLocalChar(text.charAt(start - 1))) {
        start--;
      }
      int end = emailDomainEnd(text, at + 1);
      if (start < at && end > 0) {
        if (out == null) {
          out = new StringBuilder(text.length());
        }
        out.append(text, copied, start).append("***@***");
        copied = end;
        at = text.indexOf('@', end);
      } else {
        at = text.indexOf('@', at + 1);
      }
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  private static boolean isLocalChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  private static boolean isDomainChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-';
  }

  /** The end of a domain with at least one dot starting at {@code from}, or -1. */
  private static int emailDomainEnd(String text, int from) {
    int limit = Math.min(text.length(), from + MAX_EMAIL_DOMAIN);
    int i = from;
    int labels = 0;
    int end = -1;
    while (i < limit) {
      int label = i;
      while (i < limit && isDomainChar(text.charAt(i))) {
        i++;
      }
      if (i == label) {
        break;
      }
      labels++;
      if (labels >= 2) {
        end = i;
      }
      if (i < limit && text.charAt(i) == '.' && i + 1 < limit && isDomainChar(text.charAt(i + 1))) {
        i++;
      } else {
        break;
      }
    }
    return end;
  }

  /**
   * A word of this order's name or address as it may appear in 1C's text: {@code stem} (lower case, ё as е) at a
   * word's start, followed by at most {@code maxEnding} more letters to the word's end — the declined forms of a
   * Russian name (Пётр: Петра, Петром; Сидоров: Сидорова, Сидоровым) without other words that merely begin alike
   * (Петербург). A run of digits ({@code digits}) matches only whole.
   */
  record KnownWord(String stem, int maxEnding, boolean digits) {}

  /**
   * Each word of three letters or more of the non-phone values: 3 letters match themselves with an ending of up
   * to 2 letters; 4 or 5 letters lose their last letter to the stem, 6 and more their last two, and the ending may
   * be those letters and 3 more. Each run of three digits or more (a house number, a postcode) matches whole.
   */
  static List<KnownWord> knownWords(java.util.Collection<String> known) {
    List<KnownWord> words = new ArrayList<>();
    for (String value : known) {
      if (value == null || value.isBlank() || isPhoneValue(value)) {
        continue;
      }
      String normal = normalize(value);
      int i = 0;
      while (i < normal.length()) {
        int start = i;
        if (isWordChar(normal.charAt(i))) {
          while (i < normal.length() && isWordChar(normal.charAt(i))) {
            i++;
          }
          int length = i - start;
          if (length == 3) {
            words.add(new KnownWord(normal.substring(start, i), 2, false));
          } else if (length >= 4) {
            int dropped = length >= 6 ? 2 : 1;
            words.add(new KnownWord(normal.substring(start, i - dropped), dropped + 3, false));
          }
        } else if (isDigit(normal.charAt(i))) {
          while (i < normal.length() && isDigit(normal.charAt(i))) {
            i++;
          }
          if (i - start >= 3) {
            words.add(new KnownWord(normal.substring(start, i), 0, true));
          }
        } else {
          i++;
        }
      }
    }
    return words;
  }

  /** Lower case and ё as е, character for character: the result has the text's length and positions. */
  static String normalize(String text) {
    char[] chars = new char[text.length()];
    for (int i = 0; i < chars.length; i++) {
      char c = Character.toLowerCase(text.charAt(i));
      chars[i] = c == 'ё' ? 'е' : c;
    }
    return new String(chars);
  }

  private static boolean isWordChar(char c) {
    return Character.isLetter(c) || Character.getType(c) == Character.NON_SPACING_MARK;
  }

  /**
   * One pass over the words (runs of letters) and digit runs of {@code text}: each that matches one of {@code
   * words} becomes its first letter and {@code ***}. Linear in the text times the number of known words.
   */
  private String maskKnownWords(String text, List<KnownWord> words) {
    if (words.isEmpty()) {
      return text;
    }
    String normal = normalize(text);
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = normal.charAt(i);
      boolean letters = isWordChar(c);
      if (!letters && !isDigit(c)) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && (letters ? isWordChar(normal.charAt(i)) : isDigit(normal.charAt(i)))) {
        i++;
      }
      if (matchesKnown(normal, start, i, letters, words)) {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, start).append(name(text.substring(start, i)));
        copied = i;
      }
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  private static boolean matchesKnown(String normal, int start, int end, boolean letters, List<KnownWord> words) {
    int length = end - start;
    for (KnownWord word : words) {
      if (word.digits() == letters) {
        continue;
      }
      int stem = word.stem().length();
      if (length >= stem && length - stem <= word.maxEnding() && normal.startsWith(word.stem(), start)) {
        return true;
      }
    }
    return false;
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
    String digits = digitsOf(value);
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
