package org.onecexporter.config;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to environment variables. Every parse error is a {@link ConfigException} naming the variable,
 * so that a misconfigured process stops at start-up with a message an operator can act on.
 */
public final class Env {
  private final Map<String, String> values;

  public Env(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Every variable, for libraries that read their own (the enqueuer library takes a map). */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * The process environment, decoded as UTF-8. Under a POSIX/C locale (systemd units, slim containers) the JVM
   * decodes environment variables as ASCII and a Cyrillic {@code ONEC_USERNAME} turns into question marks; on
   * Linux the raw bytes are re-read from {@code /proc/self/environ} then.
   */
  public static Env system() {
    String jnu = System.getProperty("sun.jnu.encoding", "UTF-8");
    if (!jnu.equalsIgnoreCase("UTF-8") && !jnu.equalsIgnoreCase("UTF8")) {
      Optional<Map<String, String>> raw = readProcEnviron(Path.of("/proc/self/environ"));
      if (raw.isPresent()) {
        return new Env(raw.get());
      }
    }
    return new Env(System.getenv());
  }

  static Optional<Map<String, String>> readProcEnviron(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Map<String, String> result = new java.util.HashMap<>();
      for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          result.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      return Optional.of(result);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public String required(String name, String hint) {
    String value = optional(name).orElseThrow(() -> new ConfigException(name, "is not set (" + hint + ")"));
    if (value.indexOf('\uFFFD') >= 0) {
      throw new ConfigException(name, "holds bytes that are not UTF-8; set a UTF-8 locale (LANG=C.UTF-8)");
    }
    return value;
  }

  /** A secret from {@code name}, or read from the file named by {@code name + "_FILE"}; never trimmed inside. */
  public String secret(String name, String hint) {
    String direct = values.get(name);
    if (direct != null && !direct.isEmpty()) {
      return direct;
    }
    Optional<String> file = optional(name + "_FILE");
    if (file.isPresent()) {
      try {
        String content = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8);
        return content.strip();
      } catch (IOException e) {
        throw new ConfigException(name + "_FILE", "cannot read " + file.get() + ": " + e.getMessage());
      }
    }
    throw new ConfigException(name, "is not set, nor is " + name + "_FILE (" + hint + ")");
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        throw new ConfigException(name, "must be between " + min + " and " + max + ", got '" + raw.get() + "'");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "must be a whole number, got '" + raw.get() + "'");
    }
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(name, "must be true or false, got '" + raw.get() + "'");
    };
  }

  /** A duration in (possibly fractional) seconds, e.g. {@code 60} or {@code 0.5}. */
  public Duration seconds(String name, Duration defaultValue, boolean allowZero) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return parseSeconds(name, raw.get(), allowZero);
  }

  /** A comma-separated list of (possibly fractional) seconds, e.g. {@code 2,5,10}; empty means no retries. */
  public List<Duration> secondsList(String name, List<Duration> defaultValue) {
    String raw = values.get(name);
    if (raw == null) {
      return defaultValue;
    }
    List<Duration> result = new ArrayList<>();
    if (raw.isBlank()) {
      return result;
    }
    for (String part : raw.split(",")) {
      result.add(parseSeconds(name, part.trim(), true));
    }
    return List.copyOf(result);
  }

  public ZoneId zone(String name, String defaultValue) {
    String raw = string(name, defaultValue);
    try {
      return ZoneId.of(raw);
    } catch (RuntimeException e) {
      throw new ConfigException(name, "is not a time zone id such as Europe/Moscow, got '" + raw + "'");
    }
  }

  private static Duration parseSeconds(String name, String raw, boolean allowZero) {
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(raw);
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "must be a number of seconds such as 2 or 0.5, got '" + raw + "'");
    }
    if (seconds.signum() < 0 || (!allowZero && seconds.signum() == 0)) {
      throw new ConfigException(name, "must be " + (allowZero ? "zero or more" : "more than zero") + " seconds, got '" + raw + "'");
    }
    if (seconds.compareTo(BigDecimal.valueOf(86_400)) > 0) {
      throw new ConfigException(name, "must be at most 86400 seconds, got '" + raw + "'");
    }
    return Duration.ofNanos(seconds.movePointRight(9).longValue());
  }
}
