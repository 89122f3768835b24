package org.onecexporter.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction for URLs and connection strings, used by every place that prints a configuration or an error
 * about one: the user-info of {@code scheme://user:password@host} (also when the password holds an unencoded
 * {@code /}, {@code @}, {@code ?} or {@code #}: everything up to the last {@code @} goes), and the values of
 * {@code password=}, {@code sslpassword=} and similar parameters (JDBC query or {@code ;} options).
 */
public final class Redact {
  private static final Pattern SECRET_PARAMETER = Pattern.compile(
      "(?i)((?:ssl)?password|passwd|pwd|secret|token|access_token|auth)=([^&;\\s'\"]*)");

  private Redact() {}

  /** A whole configured value (a URL, several comma-separated URLs, a JDBC URL, or {@code user:pass@host}). */
  public static String url(String value) {
    if (value == null) {
      return null;
    }
    return parameters(userInfo(value, false));
  }

  /**
   * Free text that may quote URLs (an exception message, an error line): each {@code scheme://…} up to the next
   * whitespace or quote is treated as {@link #url}.
   */
  public static String inText(String text) {
    if (text == null) {
      return null;
    }
    return parameters(userInfo(text, true));
  }

  private static String userInfo(String value, boolean stopAtSpace) {
    int scheme = value.indexOf("://");
    if (scheme < 0) {
      if (stopAtSpace) {
        return value;
      }
      int at = value.lastIndexOf('@');
      return at < 0 ? value : "***" + value.substring(at);
    }
    StringBuilder out = new StringBuilder(value.length());
    int from = 0;
    while (scheme >= 0) {
      int start = scheme + 3;
      int next = value.indexOf("://", start);
      int end = next < 0 ? value.length() : next;
      if (stopAtSpace) {
        for (int i = start; i < end; i++) {
          char c = value.charAt(i);
          if (Character.isWhitespace(c) || c == '\'' || c == '"' || c == '<' || c == '>') {
            end = i;
            break;
          }
        }
      }
      int at = end > start ? value.lastIndexOf('@', end - 1) : -1;
      out.append(value, from, start);
      if (at >= start) {
        out.append("***");
        from = at;
      } else {
        from = start;
      }
      scheme = next;
    }
    out.append(value, from, value.length());
    return out.toString();
  }

  private static String parameters(String value) {
    Matcher m = SECRET_PARAMETER.matcher(value);
    return m.find() ? m.replaceAll("$1=***") : value;
  }
}
