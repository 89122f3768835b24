package org.onecexporter.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.onecexporter.config.DatabaseConfig;
import redis.embedded.RedisServer;

/**
 * The PostgreSQL and Redis the demo runs on: the ones {@code DATABASE_URL} and {@code REDIS_URL} name; else the
 * local defaults (127.0.0.1:5432, 127.0.0.1:6379) when something answers there; else embedded servers (PostgreSQL
 * binaries from the {@code io.zonky.test.postgres} packages, Redis from {@code com.github.codemonstur:embedded-redis})
 * on free loopback ports, started for this run and stopped with it. {@code --embedded} asks for embedded ones
 * whatever is set or running. The exporter's code does not know the difference: it gets a URL either way.
 */
final class Servers {
  static final String LOCAL_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres";
  static final String LOCAL_REDIS = "redis://127.0.0.1:6379";

  private Servers() {}

  /** Where the demo's database is: a JDBC URL without a schema, its user and password, and a line for people. */
  record Postgres(String jdbcUrl, String user, String password, String where, AutoCloseable stop) {
    /** The URL with {@code currentSchema} set to the demo's schema (an existing one replaced). */
    String inSchema(String schema) {
      String url = jdbcUrl.replaceAll("([?&])currentSchema=[^&]*&?", "$1").replaceAll("[?&]$", "");
      return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
  }

  record Redis(String url, String where, AutoCloseable stop) {}

  static Postgres postgres(boolean embedded, Map<String, String> env, Path logDir) throws IOException {
    String url = env.get("DATABASE_URL");
    if (!embedded && url != null && !url.isBlank()) {
      DatabaseConfig parsed = DatabaseConfig.fromEnv(new org.onecexporter.config.Env(env));
      if (!parsed.jdbcUrl().startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("the demo runs on PostgreSQL and DATABASE_URL names another database ("
            + org.onecexporter.config.Redact.url(parsed.jdbcUrl()) + "): unset it, or run ops/demo --embedded");
      }
      return new Postgres(parsed.jdbcUrl(), parsed.user(), parsed.password(),
          "DATABASE_URL (" + org.onecexporter.config.Redact.url(parsed.jdbcUrl()) + ")", () -> { });
    }
    if (!embedded && answers(5432)) {
      return new Postgres(LOCAL_POSTGRES, env.getOrDefault("PGUSER", "postgres"), "",
          "the local one on 127.0.0.1:5432 (DATABASE_URL is not set)", () -> { });
    }
    Path data = Files.createTempDirectory("onec-demo-pg");
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setPort(freePort())
        .setLocaleConfig("locale", "C")
        // A demo's data is thrown away at the end: no need to wait for the disk.
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("full_page_writes", "off")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logDir.resolve("demo-postgres.out").toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logDir.resolve("demo-postgres.out").toFile()))
        .start();
    return new Postgres("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "",
        "embedded, on 127.0.0.1:" + pg.getPort() + (embedded ? " (--embedded)"
            : " (DATABASE_URL is not set and nothing answers on 127.0.0.1:5432)"), pg);
  }

  static Redis redis(boolean embedded, Map<String, String> env) throws IOException {
    String url = env.get("REDIS_URL");
    if (!embedded && url != null && !url.isBlank()) {
      return new Redis(url.trim(), "REDIS_URL (" + org.onecexporter.config.Redact.url(url.trim()) + ")", () -> { });
    }
    if (!embedded && answers(6379)) {
      return new Redis(LOCAL_REDIS, "the local one on 127.0.0.1:6379 (REDIS_URL is not set)", () -> { });
    }
    int port = freePort();
    RedisServer server = RedisServer.newRedisServer()
        .port(port)
        .setting("bind 127.0.0.1")
        .setting("save \"\"")
        .setting("appendonly no")
        .setting("maxmemory-policy noeviction")
        .build();
    server.start();
    return new Redis("redis://127.0.0.1:" + port, "embedded, on 127.0.0.1:" + port + (embedded ? " (--embedded)"
        : " (REDIS_URL is not set and nothing answers on 127.0.0.1:6379)"), server::stop);
  }

  static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
