package org.onecexporter.extension.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The method declarations of a BSL module, found by a small scanner (declarations start a line; their parameter
 * list may span lines and hold strings and comments), with the doc comment right above each.
 */
public final class BslMethods {

  /** A declared method; line is 1-based. */
  public record Declared(
      String name,
      boolean function,
      boolean export,
      List<Manifest.Parameter> parameters,
      DocComment doc,
      int line) {

    public int required() {
      return (int) parameters.stream().filter(p -> p.defaultValue() == null).count();
    }
  }

  private static final Pattern DECLARATION = Pattern.compile(
      "(?iu)^[ \\t]*(?:(?:асинх|async)\\s+)?(функция|процедура|function|procedure)\\s+([\\p{L}_][\\p{L}\\p{N}_]*)\\s*\\(",
      Pattern.MULTILINE);
  private static final Pattern EXPORT = Pattern.compile("(?iu)^\\s*(экспорт|export)(?![\\p{L}\\p{N}_])");

  private BslMethods() {}

  public static List<Declared> scan(String text) {
    String src = text.startsWith("\uFEFF") ? text.substring(1) : text;
    List<Declared> out = new ArrayList<>();
    Matcher m = DECLARATION.matcher(src);
    while (m.find()) {
      boolean function = m.group(1).toLowerCase(Locale.ROOT).startsWith("ф")
          || m.group(1).equalsIgnoreCase("function");
      int open = m.end() - 1;
      int close = closingParen(src, open);
      List<Manifest.Parameter> params = parameters(src.substring(open + 1, close));
      boolean export = EXPORT.matcher(src.substring(close + 1, lineEnd(src, close))).find();
      int line = lineOf(src, m.start());
      out.add(new Declared(m.group(2), function, export, params, DocComment.parse(commentAbove(src, m.start())), line));
    }
    return out;
  }

  private static int lineEnd(String s, int from) {
    int e = s.indexOf('\n', from);
    return e < 0 ? s.length() : e;
  }

  static int lineOf(String s, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (s.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int closingParen(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        i = s.indexOf('"', i + 1); // "" escapes read as two strings, the same for skipping
        if (i < 0) {
          break;
        }
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
        i = lineEnd(s, i);
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed parameter list at offset " + open);
  }

  private static List<Manifest.Parameter> parameters(String list) {
    StringBuilder clean = new StringBuilder();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '"') {
        int end = list.indexOf('"', i + 1);
        clean.append(list, i, end + 1);
        i = end;
      } else if (c == '/' && i + 1 < list.length() && list.charAt(i + 1) == '/') {
        i = lineEnd(list, i) - 1;
      } else if (c == ',') {
        parts.add(clean.toString());
        clean.setLength(0);
      } else {
        clean.append(c);
      }
    }
    parts.add(clean.toString());
    List<Manifest.Parameter> out = new ArrayList<>();
    for (String part : parts) {
      String p = part.strip().replaceAll("\\s+", " ");
      if (p.isEmpty()) {
        continue;
      }
      p = p.replaceFirst("(?iu)^(знач|val)\\s+", "");
      int eq = p.indexOf('=');
      out.add(eq < 0
          ? new Manifest.Parameter(p, null)
          : new Manifest.Parameter(p.substring(0, eq).strip(), p.substring(eq + 1).strip()));
    }
    return out;
  }

  /** The "//" lines directly above the declaration; annotation and directive lines (&...) are skipped. */
  private static List<String> commentAbove(String s, int declarationStart) {
    String before = s.substring(0, declarationStart);
    String[] lines = before.split("\n", -1);
    List<String> out = new ArrayList<>();
    for (int i = lines.length - 2; i >= 0; i--) {
      String l = lines[i].strip();
      if (l.startsWith("&")) {
        continue;
      }
      if (!l.startsWith("//")) {
        break;
      }
      out.add(0, l.substring(2));
    }
    return out;
  }
}
