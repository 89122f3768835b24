package org.onecexporter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.OneCTls;

class RedactTest {
  @Test
  void user_info_and_password_parameters_go_whatever_the_password_holds() {
    assertThat(Redact.url("redis://default:s3cret@redis:6379/0")).isEqualTo("redis://***@redis:6379/0");
    assertThat(Redact.url("redis://u:pa/ss@w@redis:6379")).isEqualTo("redis://***@redis:6379");
    assertThat(Redact.url("postgresql://shop:p@ss/w?rd#x@db:5432/shop")).isEqualTo("postgresql://***@db:5432/shop");
    assertThat(Redact.url("redis://a:p1@h1:1,redis://a:p2@h2:2")).isEqualTo("redis://***@h1:1,redis://***@h2:2");
    assertThat(Redact.url("jdbc:postgresql://db/shop?user=shop&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/shop?user=shop&password=***&ssl=true");
    assertThat(Redact.url("jdbc:postgresql://db/shop?sslpassword=x1;Password=y2")).doesNotContain("x1", "y2");
    assertThat(Redact.url("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    assertThat(Redact.url("user:pass@host/db")).isEqualTo("***@host/db");
    assertThat(Redact.inText("REDIS_URL: got 'redis://u:s3/cr@t@h:1' and more@text"))
        .isEqualTo("REDIS_URL: got 'redis://***@h:1' and more@text");
  }

  @Test
  void untrusted_strings_are_capped_and_escaped() {
    assertThat(LogSafe.id("12\nFORGED\r\u2028x")).isEqualTo("12\\nFORGED\\r\\u2028x");
    String big = "x".repeat(1 << 20);
    assertThat(LogSafe.id(big)).hasSizeLessThan(100).endsWith("…(+" + ((1 << 20) - 64) + " chars)");
    assertThat(LogSafe.id("1001")).isEqualTo("1001");
    // Bidirectional overrides and isolates, marks and other invisible format characters: escaped, never raw.
    assertThat(LogSafe.text("INV-\u202e100-2026\u202c \u2066x\u2069 \u200f\u200e\u061c\u200b", 100))
        .isEqualTo("INV-\\u202e100-2026\\u202c \\u2066x\\u2069 \\u200f\\u200e\\u061c\\u200b");
    assertThat(LogSafe.text("Счёт №1 — Пётр", 100)).isEqualTo("Счёт №1 — Пётр");
  }

  @Test
  void foreign_text_loses_this_orders_customer_and_anything_phone_or_mail_like() {
    PiiMasker masker = new PiiMasker(true);
    String body = "{\"status\":\"error\",\"errors\":[\"Контрагент Петрова Мария (8 916 000-00-00, m.p@mail.ru)"
        + " по адресу Москва, ул. Тайная, 7 не найден; другой +7 (903) 111-22-33\"],\"phone\":\"+79160000000\"}";
    String masked = masker.foreign(body, List.of("Мария Петрова", "+79160000000", "Москва, ул. Тайная, 7"), 1000);
    assertThat(masked).doesNotContain("Мария", "Петрова", "916", "000-00", "m.p@mail.ru", "Тайная", "111-22")
        .contains("\"status\":\"error\"", "***00", "***33", "не найден");
    assertThat(masker.foreign("invoice INV-2026-001 of 2026-02-13 total 245168.00", List.of(), 100))
        .isEqualTo("invoice INV-2026-001 of 2026-02-13 total 245168.00");
    assertThat(new PiiMasker(false).foreign("Мария " + "x".repeat(50), List.of("Мария"), 10)).isEqualTo("Мария xxxx…");
  }

  @Test
  void a_private_ca_file_is_read_and_a_bad_one_names_the_variable(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("ca.p12");
    Path pem = dir.resolve("ca.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process gen = new ProcessBuilder(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Test CA",
        "-ext", "bc:c", "-keystore", store.toString(), "-storepass", "changeit", "-validity", "2").inheritIO().start();
    assertThat(gen.waitFor()).isZero();
    Process export = new ProcessBuilder(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(),
        "-storepass", "changeit", "-file", pem.toString()).inheritIO().start();
    assertThat(export.waitFor()).isZero();
    assertThat(OneCTls.fromPem(pem)).isNotNull();

    Path bad = Files.writeString(dir.resolve("bad.pem"), "not a certificate");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OneCTls.fromPem(bad))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("ONEC_CA_FILE:");
  }
}
