package org.onecexporter.extension.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The doc comment above a method, read the way the 1C development standard writes it:
 *
 * <pre>
 * // Parameters:                      (or Параметры:)
 * //   Name - Type1, Type2 - text
 * //   * Field - Type - text          (a field of the Структура above)
 * // Returns:                         (or Возвращаемое значение:)
 * //   Type - text
 * //   * Field - Type - text
 * </pre>
 *
 * <p>A type is kept as written: "СправочникСсылка.Номенклатура", "Массив из Строка", "Структура". Only what the
 * checker needs is read: the type lists of the parameters and of the result, with the "*" fields of a structure.
 */
public record DocComment(Map<String, Doc> parameters, Doc returns) {

  /** A type list as written, and for a structure its "*" fields. */
  public record Doc(List<String> types, Map<String, Doc> fields) {}

  private static final Pattern PARAMETERS = Pattern.compile("(?iu)^(parameters|параметры)\\s*:\\s*$");
  private static final Pattern RETURNS =
      Pattern.compile("(?iu)^(returns|возвращаемое\\s+значение|возвращаемые\\s+значения)\\s*:\\s*(.*)$");
  private static final Pattern OTHER_SECTION =
      Pattern.compile("(?iu)^(example|пример|call options|варианты вызова|см\\.|see)\\s*:?.*$");
  private static final Pattern NAMED = Pattern.compile("(?u)^(\\*\\s*)?([\\p{L}_][\\p{L}\\p{N}_]*)\\s+[-–—]\\s+(.*)$");

  public static final DocComment EMPTY = new DocComment(Map.of(), null);

  /** Reads the comment lines (without "//"), top to bottom. */
  public static DocComment parse(List<String> lines) {
    Map<String, Doc> parameters = new LinkedHashMap<>();
    Doc returns = null;
    String section = "";
    Doc last = null; // the entry "*" lines add fields to
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (PARAMETERS.matcher(line).matches()) {
        section = "p";
        last = null;
        continue;
      }
      Matcher r = RETURNS.matcher(line);
      if (r.matches()) {
        section = "r";
        last = null;
        if (!r.group(2).isBlank()) {
          returns = new Doc(types(r.group(2)), new LinkedHashMap<>());
          last = returns;
        }
        continue;
      }
      if (OTHER_SECTION.matcher(line).matches()) {
        section = "";
        continue;
      }
      Matcher m = NAMED.matcher(line);
      boolean field = line.startsWith("*");
      if (section.equals("p")) {
        if (m.matches() && !field) {
          last = new Doc(types(m.group(3)), new LinkedHashMap<>());
          parameters.put(m.group(2).toLowerCase(Locale.ROOT), last);
        } else if (m.matches() && last != null) {
          last.fields().put(m.group(2).toLowerCase(Locale.ROOT), new Doc(types(m.group(3)), new LinkedHashMap<>()));
        }
      } else if (section.equals("r")) {
        if (returns == null && !field) {
          returns = new Doc(types(line), new LinkedHashMap<>());
          last = returns;
        } else if (field && m.matches() && last != null) {
          last.fields().put(m.group(2).toLowerCase(Locale.ROOT), new Doc(types(m.group(3)), new LinkedHashMap<>()));
        }
      }
    }
    return new DocComment(parameters, returns);
  }

  /** "Type1, Type2 - text" or "Type1, Type2:" to [Type1, Type2]. */
  static List<String> types(String text) {
    String t = text;
    Matcher dash = Pattern.compile("\\s[-–—]\\s|\\s[-–—]$").matcher(t);
    if (dash.find()) {
      t = t.substring(0, dash.start());
    }
    t = t.strip();
    if (t.endsWith(":")) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.endsWith(".") && !t.contains(" ")) {
      t = t.substring(0, t.length() - 1);
    }
    List<String> out = new ArrayList<>();
    for (String part : t.split(",")) {
      String p = part.strip().replaceAll("\\s+", " ");
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }
}
