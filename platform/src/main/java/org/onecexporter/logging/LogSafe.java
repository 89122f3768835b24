package org.onecexporter.logging;

/**
 * Untrusted strings (job ids read from Redis, paths, addresses, 1C's texts) made safe for every log format and
 * every stored record: length-capped, control characters escaped, so a 1 MB id does not fill the log and a newline
 * in it cannot forge a line in the text log.
 */
public final class LogSafe {
  /** Job ids and other identifiers: what a real order id needs, with room to recognise garbage. */
  public static final int MAX_ID = 64;

  private LogSafe() {}

  /** An identifier: at most {@link #MAX_ID} characters, escaped. */
  public static String id(String value) {
    return text(value, MAX_ID);
  }

  /**
   * At most {@code max} characters (then {@code …(+N chars)}), with CR, LF, other C0/C1 controls, DEL, the
   * Unicode line and paragraph separators and every invisible format character written as {@code \n}, {@code
   * \r}, {@code \t} or {@code \\uXXXX} — among the latter the bidirectional overrides and isolates (U+202A–U+202E,
   * U+2066–U+2069, U+200E, U+200F, U+061C), which would otherwise turn the rest of a terminal's line around.
   */
  public static String text(String value, int max) {
    if (value == null) {
      return "null";
    }
    int end = Math.min(value.length(), max);
    if (end < value.length() && end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    String result = escape(value, end);
    return end < value.length() ? result + "…(+" + (value.length() - end) + " chars)" : result;
  }

  /** The whole value escaped as {@link #text} does, without a cap. */
  public static String escape(String value) {
    return value == null ? "null" : escape(value, value.length());
  }

  /** Whether {@code c} is written escaped: a control, a line or paragraph separator, or a format character. */
  public static boolean unsafe(int c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
        || Character.getType(c) == Character.FORMAT;
  }

  private static String escape(String value, int end) {
    StringBuilder out = null;
    for (int i = 0; i < end; ) {
      int c = value.codePointAt(i);
      int next = i + Character.charCount(c);
      if (next > end) {
        next = end;
      }
      if (unsafe(c)) {
        if (out == null) {
          out = new StringBuilder(end + 16).append(value, 0, i);
        }
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            for (int k = i; k < next; k++) {
              out.append(String.format("\\u%04x", (int) value.charAt(k)));
            }
          }
        }
      } else if (out != null) {
        out.append(value, i, next);
      }
      i = next;
    }
    return out != null ? out.toString() : value.substring(0, end);
  }
}
