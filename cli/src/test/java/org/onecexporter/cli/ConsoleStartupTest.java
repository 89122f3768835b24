package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.db.Dialect;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * The console started against a database it cannot use: it still starts (the queue's pages work without the
 * database), but says at once, in one line, which database and why — not silence until a page answers 503. On
 * PostgreSQL and on MariaDB ({@link ConsoleStartupOnMariaDbTest}).
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class})
class ConsoleStartupTest {
  private final TestDatabase db;
  private final TestRedis redis;
  @TempDir
  Path dir;

  ConsoleStartupTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
  }

  @Test
  void a_console_whose_database_does_not_exist_says_so_in_one_line_and_still_serves() throws Exception {
    String scheme = db.config().jdbcUrl().replaceFirst("^(jdbc:[a-z]+://).*$", "$1");
    String server = db.config().jdbcUrl().replaceFirst("^jdbc:[a-z]+://([^/?]+).*$", "$1");
    String missing = db.dialect() == Dialect.POSTGRESQL ? "database \"nosuchdb\" does not exist"
        : "Unknown database 'nosuchdb'";
    Map<String, String> env = new HashMap<>(db.env());
    env.put("DATABASE_URL", scheme + server + "/nosuchdb");
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("CONSOLE_PASSWORD", "a-long-operator-password");
    env.put("CONSOLE_PORT", "0");
    env.put("CONSOLE_OPS_PORT", "0");
    Path out = dir.resolve("console.log");
    Process console = CliProcess.start(env, out, OnecExporterCli.class.getName(), "console");
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> text(out).contains(missing) || !console.isAlive());
      assertThat(console.isAlive()).as(text(out)).isTrue();
      assertThat(text(out).lines().filter(l -> l.contains("nosuchdb")).toList()).as(text(out)).singleElement()
          .asString().contains(db.dialect().serverName(), server + "/nosuchdb", missing);
      assertThat(text(out)).doesNotContain("\tat ");
      int port = Integer.parseInt(text(out).replaceFirst("(?s).*console listening on http://[^:]+:(\\d+)/.*", "$1"));
      try (HttpClient client = HttpClient.newHttpClient()) {
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isIn(200, 401);
      }
    } finally {
      console.destroy();
      console.waitFor();
    }
  }

  private static String text(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
