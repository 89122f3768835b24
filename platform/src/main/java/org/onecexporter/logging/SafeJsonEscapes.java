package org.onecexporter.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import net.logstash.logback.decorate.JsonFactoryDecorator;

/**
 * The JSON log's escaping, for every value of every line (messages, fields, MDC, stack traces): besides what JSON
 * requires, the line and paragraph separators and every invisible format character — the bidirectional overrides
 * and isolates among them — are written as {@code \\uXXXX}, so a value from outside (1C's answer, a job id) cannot
 * turn a terminal's {@code tail -f} line around. The JSON still reads back as the same text. Named in the
 * LogstashEncoder's {@code <jsonFactoryDecorator>} of logback.xml.
 */
public final class SafeJsonEscapes implements JsonFactoryDecorator {
  private static final CharacterEscapes ESCAPES = new CharacterEscapes() {
    private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return LogSafe.unsafe(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
  };

  @Override
  public JsonFactory decorate(JsonFactory factory) {
    return factory.setCharacterEscapes(ESCAPES);
  }
}
