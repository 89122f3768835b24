package org.onecexporter.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %safeMsg} for the text log: the formatted message with invisible format characters (the bidirectional
 * overrides and isolates among them) and controls other than line breaks escaped as {@link LogSafe} does; the
 * pattern folds line breaks itself. Registered by {@code <conversionRule>} in logback.xml.
 */
public final class SafeMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      boolean escaped = c != '\n' && c != '\r' && c != '\u2028' && c != '\u2029' && LogSafe.unsafe(c);
      if (escaped) {
        if (out == null) {
          out = new StringBuilder(message.length() + 16).append(message, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? message : out.toString();
  }
}
