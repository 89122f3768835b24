package org.onecexporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("ONEC_BASE_URL", "http://1c-server:8080/unf/");
    env.put("ONEC_USERNAME", "Администратор");
    env.put("ONEC_PASSWORD", "секрет");
    return env;
  }

  @Test
  void defaults_are_the_contract() {
    OneCConfig config = OneCConfig.fromEnv(new Env(minimal()));
    assertThat(config.invoicesUri()).hasToString("http://1c-server:8080/unf/hs/invoices");
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.retryDelays())
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void decimals_are_allowed_in_timeout_and_delays() {
    Map<String, String> env = minimal();
    env.put("ONEC_TIMEOUT_SECONDS", "0.5");
    env.put("ONEC_RETRY_DELAYS", "0.1, 0.25,1");
    env.put("ONEC_INVOICES_ENDPOINT", "hs/other");
    OneCConfig config = OneCConfig.fromEnv(new Env(env));
    assertThat(config.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.retryDelays()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1));
    assertThat(config.invoicesUri()).hasToString("http://1c-server:8080/unf/hs/other");
  }

  @Test
  void missing_or_malformed_values_name_the_variable() {
    Map<String, String> env = minimal();
    env.remove("ONEC_BASE_URL");
    assertThatThrownBy(() -> OneCConfig.fromEnv(new Env(env)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("ONEC_BASE_URL: is not set");

    Map<String, String> badTimeout = minimal();
    badTimeout.put("ONEC_TIMEOUT_SECONDS", "sixty");
    assertThatThrownBy(() -> OneCConfig.fromEnv(new Env(badTimeout)))
        .hasMessage("ONEC_TIMEOUT_SECONDS: must be a number of seconds such as 2 or 0.5, got 'sixty'");

    Map<String, String> badDelays = minimal();
    badDelays.put("ONEC_RETRY_DELAYS", "2,-5");
    assertThatThrownBy(() -> OneCConfig.fromEnv(new Env(badDelays)))
        .hasMessage("ONEC_RETRY_DELAYS: must be zero or more seconds, got '-5'");

    Map<String, String> noPassword = minimal();
    noPassword.remove("ONEC_PASSWORD");
    assertThatThrownBy(() -> OneCConfig.fromEnv(new Env(noPassword)))
        .hasMessageStartingWith("ONEC_PASSWORD: is not set, nor is ONEC_PASSWORD_FILE");

    Map<String, String> badUrl = minimal();
    badUrl.put("ONEC_BASE_URL", "ftp://1c-server/unf");
    assertThatThrownBy(() -> OneCConfig.fromEnv(new Env(badUrl))).hasMessageStartingWith("ONEC_BASE_URL: must be");
  }

  @Test
  void password_can_come_from_a_file_and_is_never_printed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "пароль-из-файла\n", StandardCharsets.UTF_8);
    Map<String, String> env = minimal();
    env.remove("ONEC_PASSWORD");
    env.put("ONEC_PASSWORD_FILE", file.toString());
    OneCConfig config = OneCConfig.fromEnv(new Env(env));
    assertThat(config.password()).isEqualTo("пароль-из-файла");
    assertThat(config.toString()).doesNotContain("пароль");
  }

  @Test
  void database_urls_in_libpq_form_are_accepted() {
    DatabaseConfig config = DatabaseConfig.parse("postgresql://shop:p%40ss@db.example:6432/shop?sslmode=require");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/shop?sslmode=require");
    assertThat(config.user()).isEqualTo("shop");
    assertThat(config.password()).isEqualTo("p@ss");
    assertThat(config.toString()).doesNotContain("p@ss");

    assertThat(DatabaseConfig.parse("postgres://h/db").jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
    assertThat(DatabaseConfig.fromEnv(new Env(Map.of())).jdbcUrl()).isEqualTo(DatabaseConfig.DEFAULT_URL);
    assertThatThrownBy(() -> DatabaseConfig.parse("sqlserver://u:secret@h/db"))
        .hasMessage("DATABASE_URL: must start with jdbc:postgresql://, postgresql://, jdbc:mariadb://, jdbc:mysql://,"
            + " mariadb:// or mysql://, got 'sqlserver://***@h/db'");
  }

  @Test
  void mariadb_and_mysql_urls_are_taken_as_hosting_providers_write_them() {
    DatabaseConfig config = DatabaseConfig.parse("mysql://shop:p%40ss@db.example/wordpress?sslMode=verify-full");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:mariadb://db.example:3306/wordpress?sslMode=verify-full");
    assertThat(config.user()).isEqualTo("shop");
    assertThat(config.password()).isEqualTo("p@ss");
    assertThat(DatabaseConfig.parse("mariadb://h:3307/oc").jdbcUrl()).isEqualTo("jdbc:mariadb://h:3307/oc");
    assertThat(DatabaseConfig.parse("jdbc:mysql://h/db").jdbcUrl()).isEqualTo("jdbc:mysql://h/db");
    assertThatThrownBy(() -> DatabaseConfig.parse("mysql://u:secret@h"))
        .hasMessage("DATABASE_URL: names no database: 'mysql://***@h'");
  }

  @Test
  void explicit_user_overrides_the_url() {
    Env env = new Env(Map.of("DATABASE_URL", "postgresql://a:b@h/db", "DATABASE_USER", "c"));
    assertThat(DatabaseConfig.fromEnv(env).user()).isEqualTo("c");
    assertThat(DatabaseConfig.fromEnv(env).password()).isEqualTo("b");
  }

  @Test
  void an_empty_retry_list_means_a_single_attempt() {
    Map<String, String> env = minimal();
    env.put("ONEC_RETRY_DELAYS", "");
    assertThat(OneCConfig.fromEnv(new Env(env)).retryDelays()).isEqualTo(List.of());
  }

  @Test
  void raw_environment_bytes_are_decoded_as_utf8(@TempDir Path dir) throws Exception {
    Path environ = dir.resolve("environ");
    Files.write(environ, "ONEC_USERNAME=Администратор\0EMPTY=\0X=a=b\0".getBytes(StandardCharsets.UTF_8));
    Map<String, String> env = Env.readProcEnviron(environ).orElseThrow();
    assertThat(env).containsEntry("ONEC_USERNAME", "Администратор").containsEntry("EMPTY", "").containsEntry("X", "a=b");
  }

  @Test
  void undecodable_values_are_refused_with_a_hint() {
    Map<String, String> env = minimal();
    env.put("ONEC_USERNAME", "\uFFFD\uFFFD\uFFFD");
    assertThatThrownBy(() -> OneCConfig.fromEnv(new Env(env)))
        .hasMessage("ONEC_USERNAME: holds bytes that are not UTF-8; set a UTF-8 locale (LANG=C.UTF-8)");
  }
}
