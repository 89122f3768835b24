package org.onecexporter.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
  void the_1c_document_number_is_kept_while_phones_beside_it_are_masked() {
    String answer = "{\"id\":\"5f1c2d3e-0000-4000-8000-000000000001\",\"number\":\"0000-000001\","
        + "\"comment\":\"звонить 8 916 123-45-67\",\"contact\":{\"phone\":{\"number\":\"89161234567\"}}}";

    String logged = new PiiMasker(true).foreign(answer, List.of(), 1000);

    assertThat(logged).contains("\"number\":\"0000-000001\"")
        .doesNotContain("123-45-67", "89161234567")
        .contains("***67");
  }

  @Test
  void a_document_number_holding_this_orders_phone_is_still_masked() {
    String answer = "{\"number\":\"9161234567\"}";

    assertThat(new PiiMasker(true).foreign(answer, List.of("+7 916 123-45-67"), 1000))
        .doesNotContain("9161234567").contains("***67");
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

  @Test
  void a_name_inside_another_word_of_the_name_masks_both_words_whole() {
    assertThat(new PiiMasker(true).foreign("Контрагент Лев Левченко не найден", List.of("Лев Левченко"), 200))
        .isEqualTo("Контрагент Л*** Л*** не найден");
  }

  @Test
  void declined_forms_of_the_customers_name_are_masked_by_their_stem() {
    PiiMasker masker = new PiiMasker(true);
    assertThat(masker.foreign("Счёт для Петра Сидорова, договор с Сидоровым, Марии Ивановой",
        List.of("Пётр Сидоров"), 200)).isEqualTo("Счёт для П*** С***, договор с С***, Марии Ивановой");
    assertThat(masker.foreign("У Марии Ивановой и Марией Ивановой", List.of("Мария Иванова"), 200))
        .isEqualTo("У М*** И*** и М*** И***");
    // The stem is a word's start, its ending short: other words that merely begin alike are kept.
    assertThat(masker.foreign("Санкт-Петербург, Петровский пер.", List.of("Пётр Сидоров"), 200))
        .isEqualTo("Санкт-Петербург, Петровский пер.");
  }

  @Test
  void names_are_matched_regardless_of_case_and_of_e_with_or_without_dots() {
    PiiMasker masker = new PiiMasker(true);
    assertThat(masker.foreign("ЁЛКИНА Анна; ёлкина; Елкиной", List.of("Анна Ёлкина"), 200))
        .isEqualTo("Ё*** А***; ё***; Е***");
    assertThat(masker.foreign("ПЁТР и петр", List.of("Петр"), 200)).isEqualTo("П*** и п***");
  }

  @Test
  void card_numbers_and_other_long_digit_groups_are_masked() {
    PiiMasker masker = new PiiMasker(true);
    assertThat(masker.foreign("карта 4111 1111 1111 1111 отклонена", List.of(), 200))
        .isEqualTo("карта ***11 отклонена");
    assertThat(masker.foreign("card 4111-1111-1111-1111, 4111111111111111, 6011 0000 0000 0000 004", List.of(), 200))
        .isEqualTo("card ***11, ***11, ***04");
    assertThat(masker.foreign("two phones 79991234567 79161234567 in a row", List.of(), 200))
        .isEqualTo("two phones ***67 in a row");
    assertThat(masker.foreign("invoice INV-2026-001 of 2026-02-13 total 245168.00, line 12", List.of(), 200))
        .isEqualTo("invoice INV-2026-001 of 2026-02-13 total 245168.00, line 12");
  }

  @Test
  void a_value_cut_through_before_masking_is_dropped_not_left_half_masked() {
    // E-mails shrink to ***@*** when masked, so what follows them moves into the kept part: the e-mail that the
    // cut before masking went through must not arrive there as its unmaskable first half.
    String mails = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@bbbbbbbbbbbbbbbbbbbbbbbb.ru ".repeat(22);
    int window = 300 + PiiMasker.WINDOW_MARGIN;
    String text = mails + " ".repeat(window - 8 - mails.length()) + "ivan.petrov@mail.ru and more";

    String masked = new PiiMasker(true).foreign(text, List.of(), 300);

    assertThat(masked).startsWith("***@*** ***@***").doesNotContain("ivan", "petrov").endsWith("…")
        .hasSizeLessThanOrEqualTo(300);
  }
}
