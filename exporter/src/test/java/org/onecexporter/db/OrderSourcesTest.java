package org.onecexporter.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;

class OrderSourcesTest {
  private static OrderSource source(Map<String, String> vars) {
    return OrderSources.fromEnv(new Env(vars), Dialect.MYSQL);
  }

  @Test
  void the_reference_schema_is_the_default_and_each_preset_is_chosen_by_name() {
    assertThat(source(Map.of())).isSameAs(ReferenceSource.INSTANCE);
    assertThat(source(Map.of("ORDER_SOURCE", "WooCommerce")).name()).isEqualTo("woocommerce");
    assertThat(source(Map.of("ORDER_SOURCE", "opencart", "OPENCART_ARTICUL", "sku")).name()).isEqualTo("opencart");
    assertThat(source(Map.of("ORDER_SOURCE", "sql", "ORDER_SQL_ORDER", "a", "ORDER_SQL_LINES", "b",
        "ORDER_SQL_PAID_IDS", "c")).ownLedger()).isTrue();
  }

  @Test
  void bad_settings_are_refused_with_the_variable_named() {
    assertThatThrownBy(() -> source(Map.of("ORDER_SOURCE", "magento"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("ORDER_SOURCE").hasMessageContaining("reference, woocommerce, opencart, sql");
    assertThatThrownBy(() -> source(Map.of("ORDER_SOURCE", "bitrix"))).hasMessageContaining("ORDER_SOURCE=sql");
    assertThatThrownBy(() -> source(Map.of("ORDER_SOURCE", "woocommerce", "SHOP_TABLE_PREFIX", "wp_; DROP")))
        .hasMessageContaining("SHOP_TABLE_PREFIX");
    assertThatThrownBy(() -> source(Map.of("ORDER_SOURCE", "woocommerce", "WOOCOMMERCE_PAID_STATUSES", "wc-x'")))
        .hasMessageContaining("WOOCOMMERCE_PAID_STATUSES");
    assertThatThrownBy(() -> source(Map.of("ORDER_SOURCE", "opencart", "OPENCART_PAID_STATUS_IDS", "2,x")))
        .hasMessageContaining("OPENCART_PAID_STATUS_IDS");
    assertThatThrownBy(() -> source(Map.of("ORDER_SOURCE", "sql"))).hasMessageContaining("ORDER_SQL_ORDER");
    assertThatThrownBy(() -> OrderSources.fromEnv(new Env(Map.of("ORDER_SOURCE", "woocommerce")),
        Dialect.POSTGRESQL)).hasMessageContaining("MariaDB/MySQL only");
  }
}
