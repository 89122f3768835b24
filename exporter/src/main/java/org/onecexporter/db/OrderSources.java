package org.onecexporter.db;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;

/**
 * The {@link OrderSource} that {@code ORDER_SOURCE} names: {@code reference} (default), {@code woocommerce},
 * {@code opencart}, {@code sql}. {@code bitrix} is refused with a pointer to {@code sql} (see the README).
 */
public final class OrderSources {
  public static final String NAMES = "reference, woocommerce, opencart, sql";

  private OrderSources() {}

  public static OrderSource fromEnv(Env env) {
    String name = env.string("ORDER_SOURCE", "reference").trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "reference" -> ReferenceSource.INSTANCE;
      case "woocommerce" -> new WooCommerceSource(env.string("SHOP_TABLE_PREFIX", "wp_"),
          list(env.string("WOOCOMMERCE_PAID_STATUSES", String.join(",", WooCommerceSource.DEFAULT_PAID_STATUSES))),
          window(env),
          list(env.string("WOOCOMMERCE_REFUNDED_STATUSES",
              String.join(",", WooCommerceSource.DEFAULT_REFUNDED_STATUSES))),
          list(env.string("WOOCOMMERCE_CANCELLED_STATUSES",
              String.join(",", WooCommerceSource.DEFAULT_CANCELLED_STATUSES))));
      case "opencart" -> new OpenCartSource(env.string("SHOP_TABLE_PREFIX", "oc_"),
          ids("OPENCART_PAID_STATUS_IDS", env.string("OPENCART_PAID_STATUS_IDS", "2,3,5,15")), articul(env.string("OPENCART_ARTICUL", "model")),
          env.zone("SHOP_TIMEZONE", "Europe/Moscow"), window(env),
          ids("OPENCART_REFUNDED_STATUS_IDS", env.string("OPENCART_REFUNDED_STATUS_IDS", "11,12,13")),
          ids("OPENCART_CANCELLED_STATUS_IDS", env.string("OPENCART_CANCELLED_STATUS_IDS", "7,16")));
      case "sql" -> new ConfiguredSqlSource(required(env, "ORDER_SQL_ORDER"), required(env, "ORDER_SQL_LINES"),
          required(env, "ORDER_SQL_PAID_IDS"), env.string("ORDER_SQL_CANCELLED_IDS", ""));
      case "bitrix" -> throw new ConfigException("ORDER_SOURCE", "bitrix has no preset: the sale module's schema could"
          + " not be established from public sources; use ORDER_SOURCE=sql with the queries in the README");
      default -> throw new ConfigException("ORDER_SOURCE", "must be one of " + NAMES + ", got '" + name + "'");
    };
  }

  /** The source, refused when it cannot run on {@code dialect} (the platform presets are MariaDB/MySQL only). */
  public static OrderSource fromEnv(Env env, Dialect dialect) {
    OrderSource source = fromEnv(env);
    if (dialect == Dialect.POSTGRESQL && (source instanceof WooCommerceSource || source instanceof OpenCartSource)) {
      throw new ConfigException("ORDER_SOURCE", source.name() + " runs on MariaDB/MySQL only; DATABASE_URL is"
          + " a PostgreSQL one");
    }
    return source;
  }

  /** How many of the newest order ids the reconciler looks at with a platform preset (0: all). */
  private static long window(Env env) {
    return env.integer("RECONCILE_WINDOW_ORDERS", 100_000, 0, 100_000_000);
  }

  private static String required(Env env, String variable) {
    String value = env.string(variable, "").trim();
    if (value.isEmpty()) {
      throw new ConfigException(variable, "is required with ORDER_SOURCE=sql");
    }
    return value;
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Set<Integer> ids(String variable, String value) {
    try {
      return list(value).stream().map(Integer::valueOf).collect(Collectors.toSet());
    } catch (NumberFormatException e) {
      throw new ConfigException(variable, "must be order_status_id numbers separated by commas,"
          + " got '" + value + "'");
    }
  }

  private static OpenCartSource.Articul articul(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "model" -> OpenCartSource.Articul.MODEL;
      case "sku" -> OpenCartSource.Articul.SKU;
      default -> throw new ConfigException("OPENCART_ARTICUL", "must be model or sku, got '" + value + "'");
    };
  }
}
