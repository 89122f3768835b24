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
   * At most {@code max} characters (then {@code …(+N chars)}), with CR, LF, other C0/C1 controls, DEL and the
   * Unicode line and paragraph separators written as {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}.
   */
  public static String text(String value, int max) {
    if (value == null) {
      return "null";
    }
    int end = Math.min(value.length(), max);
    if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
      if (control) {
        if (out == null) {
          out = new StringBuilder(end + 16).append(value, 0, i);
        }
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    String result = out != null ? out.toString() : value.substring(0, end);
    return end < value.length() ? result + "…(+" + (value.length() - end) + " chars)" : result;
  }
}
