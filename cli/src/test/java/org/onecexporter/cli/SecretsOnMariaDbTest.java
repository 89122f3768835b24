package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/**
 * SecurityOutputsTest's planted database secrets in MariaDB/MySQL's forms (that test is PostgreSQL's): a password in
 * {@code mariadb://} and {@code mysql://} URLs (encoded, and unencoded with {@code /} and {@code @}), in the JDBC URL's
 * {@code password=} parameter and in {@code DATABASE_PASSWORD}, each refused by this server (root has no password
 * here) or by the parser, must reach no output of {@code migrate}, {@code export} or {@code status}: stdout, stderr,
 * the log files. MariaDB Connector/J's and Hikari's failure texts are what is checked.
 */
@OnMariaDb
@ExtendWith({DatabaseExtension.class, RedisExtension.class})
class SecretsOnMariaDbTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final List<String> outputs = new ArrayList<>();
  @TempDir
  Path logDir;

  SecretsOnMariaDbTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
  }

  private Map<String, String> env(String databaseUrl) {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("DATABASE_URL", databaseUrl);
    env.remove("DATABASE_USER");
    env.remove("DATABASE_PASSWORD");
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("ONEC_BASE_URL", "http://127.0.0.1:1/unf");
    env.put("ONEC_USERNAME", "exporter");
    env.put("ONEC_PASSWORD", "x");
    env.put("LOG_DIR", logDir.toString());
    return env;
  }

  private CliProcess.Result run(Map<String, String> env, String... args) throws Exception {
    return CliProcess.runRecorded(outputs, env, args);
  }

  @Test
  void planted_database_secrets_reach_no_output() throws Exception {
    String jdbc = db.env().get("DATABASE_URL"); // jdbc:mariadb://127.0.0.1:3306/<this class's database>
    String hostAndDb = jdbc.substring("jdbc:mariadb://".length()).replaceAll("\\?.*", "");
    String user = db.env().get("DATABASE_USER");

    Map<String, String> withParam = env(jdbc + (jdbc.contains("?") ? "&" : "?") + "user=" + user
        + "&password=PlantedDbPw1");
    Map<String, String> withVariable = env(jdbc);
    withVariable.put("DATABASE_USER", user);
    withVariable.put("DATABASE_PASSWORD", "PlantedDbPw2");
    Map<String, String> mysqlUrl = env("mysql://" + user + ":PlantedDbPw3@" + hostAndDb);
    Map<String, String> mariadbEncoded = env("mariadb://" + user + ":Pl4nted%2FS3cr%40t@" + hostAndDb);
    Map<String, String> mariadbUnencoded = env("mariadb://" + user + ":Pl4nted/S3cr@t@" + hostAndDb);

    for (Map<String, String> env : List.of(withParam, withVariable, mysqlUrl, mariadbEncoded, mariadbUnencoded)) {
      for (String[] command : List.of(new String[] {"migrate"}, new String[] {"export", "1"},
          new String[] {"status", "1"})) {
        assertThat(run(env, command).exitCode()).as("refused: %s %s", env.get("DATABASE_URL"), command[0])
            .isNotZero();
      }
    }

    try (Stream<Path> logs = Files.list(logDir)) {
      for (Path log : logs.filter(Files::isRegularFile).toList()) {
        outputs.add(log.getFileName() + ": " + Files.readString(log));
      }
    }
    String all = String.join("\n", outputs);
    assertThat(all).as("the server's refusal reached the operator").containsIgnoringCase("access denied");
    for (String secret : List.of("Pl4nted", "S3cr", "PlantedDbPw1", "PlantedDbPw2", "PlantedDbPw3")) {
      assertThat(all).as("secret '%s' in an output", secret).doesNotContain(secret);
    }
  }
}
