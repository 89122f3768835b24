package org.onecexporter.db;

import java.util.Locale;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;

/** The {@link OrderSource} that {@code ORDER_SOURCE} names (default {@code reference}). */
public final class OrderSources {
  public static final String NAMES = "reference";

  private OrderSources() {}

  public static OrderSource fromEnv(Env env) {
    String name = env.string("ORDER_SOURCE", "reference").trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "reference" -> ReferenceSource.INSTANCE;
      default -> throw new ConfigException("ORDER_SOURCE", "must be one of " + NAMES + ", got '" + name + "'");
    };
  }
}
