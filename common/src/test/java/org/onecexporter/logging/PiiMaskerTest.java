package org.onecexporter.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PiiMaskerTest {
  private static final String BODY = "{\"invoice_number\":\"INV-2026-001\",\"customer\":{\"name\":\"Иван Иванов\","
      + "\"phone\":\"+79991234567\",\"address\":\"Москва, ул. Ленина, 1\"},"
      + "\"items\":[{\"articul\":\"ФР-1\",\"name\":\"Варочная панель\"}]}";

  @Test
  void customer_data_is_masked_but_products_are_not() {
    String masked = new PiiMasker(true).body(BODY);
    assertThat(masked)
        .doesNotContain("Иван Иванов", "Иванов", "1234567", "Ленина")
        .contains("\"name\":\"И*** И***\"", "\"phone\":\"***67\"", "\"address\":\"***\"")
        .contains("Варочная панель", "INV-2026-001");
  }

  @Test
  void log_pii_true_turns_masking_off() {
    assertThat(new PiiMasker(false).body(BODY)).isEqualTo(BODY);
  }

  @Test
  void non_json_bodies_are_kept_and_long_ones_shortened() {
    PiiMasker masker = new PiiMasker(true);
    assertThat(masker.body("<html>oops</html>")).isEqualTo("<html>oops</html>");
    assertThat(masker.body("x".repeat(10_000))).hasSize(4001);
  }
}
