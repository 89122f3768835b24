package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.TestDatabase;
import org.redisson.client.codec.StringCodec;

/**
 * Issue 14's greps: personal data sent through every path (an unusable phone, 1C's 400 and 500 bodies naming the
 * buyer, a 1 MB garbage job id with a newline) and planted secrets (database, Redis and 1C passwords, with
 * unencoded {@code /} and {@code @}) must not appear in any output: stdout, stderr, the JSON log, the worker's
 * text log, DLQ entries, job records, {@code ps}-visible arguments of {@code ops/requeue-dlq}.
 *
 * <p>PostgreSQL only: the planted secrets ride in PostgreSQL's URL forms ({@code postgresql://user:pw@host}, the
 * driver's {@code password=} parameter) and the driver's own error texts; MariaDB/MySQL's forms are planted by
 * {@link SecretsOnMariaDbTest}.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class SecurityOutputsTest {
  private static final String NAME = "Мария Петрова";
  private static final String PHONE = "8 916 000-00-00";
  private static final String ADDRESS = "Москва, ул. Тайная, 7";
  private static final String BAD_PHONE = "+7 903 111-22-33, 8 916 000-00-00 (Мария)";
  private static final List<String> PERSONAL = List.of("Мария", "Петрова", "Тайная", "maria.petrova", "916 000",
      "000-00-00", "9160000000", "111-22-33", "9031112233", "903 111");

  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private final List<String> outputs = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private HttpServer oneC;
  @TempDir
  Path logDir;

  SecurityOutputsTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void start() throws Exception {
    db.truncate();
    queue.deleteAll();
    // A 1C that names the buyer in its error bodies, as real ones do.
    oneC = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    oneC.createContext("/unf/hs/invoices", exchange -> {
      String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      boolean refuse = request.contains("A-400");
      String body = refuse
          ? "{\"status\":\"error\",\"errors\":[\"Контрагент Мария Петрова (тел. +7 916 000-00-00,"
              + " maria.petrova@example.ru, Москва, ул. Тайная, 7) не найден\"]}"
          : "<html><body>Ошибка: покупатель Петрова Мария, телефон 89160000000</body></html>";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", refuse ? "application/json; charset=utf-8" : "text/html");
      exchange.sendResponseHeaders(refuse ? 400 : 500, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    oneC.start();
  }

  @AfterEach
  void stop() {
    oneC.stop(0);
    processes.forEach(Process::destroyForcibly);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("ONEC_BASE_URL", "http://127.0.0.1:" + oneC.getAddress().getPort() + "/unf");
    env.put("ONEC_USERNAME", "exporter");
    env.put("ONEC_PASSWORD", "PlantedOnecPw");
    env.put("ONEC_RETRY_DELAYS", "");
    env.put("LOG_DIR", logDir.toString());
    return env;
  }

  private CliProcess.Result run(Map<String, String> env, String... args) throws Exception {
    return CliProcess.runRecorded(outputs, env, args);
  }

  @Test
  void personal_data_reaches_no_output() throws Exception {
    aPaidOrder(2001).customer(NAME, PHONE, ADDRESS).noItems().item("A-400", "Лампа", "1", "100").insert(db.jdbi());
    aPaidOrder(2002).customer(NAME, PHONE, ADDRESS).noItems().item("A-500", "Лампа", "1", "100").insert(db.jdbi());
    aPaidOrder(2003).customer(NAME, BAD_PHONE, ADDRESS).insert(db.jdbi());

    assertThat(run(env(), "export", "2001").exitCode()).isEqualTo(ExitCodes.REJECTED);
    assertThat(run(env(), "export", "2002").exitCode()).isEqualTo(ExitCodes.FAILED);
    CliProcess.Result invalid = run(env(), "export", "2003");
    assertThat(invalid.exitCode()).isEqualTo(ExitCodes.REJECTED);
    assertThat(invalid.stdout()).contains("customer phone");

    // The same through the queue and a worker, plus a 1 MB garbage id with a line of its own inside.
    String garbage = "x".repeat(1 << 20) + "\nFORGED 00:00:00.000 ERROR Worker fake line";
    redis.client().getList(queue.keys().ready(), StringCodec.INSTANCE).add(garbage);
    for (String id : List.of("2001", "2002", "2003")) {
      queue.enqueue(id, "test");
    }
    Process worker = startWorker();
    await().atMost(Duration.ofSeconds(60)).until(() -> queue.stats().dlq() == 4);
    worker.destroy();
    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    outputs.add("worker: " + Files.readString(logDir.resolve("worker.out")));

    run(env(), "dlq", "list");
    for (String id : List.of("2001", "2002", "2003")) {
      run(env(), "dlq", "show", id);
      outputs.add("job record " + id + ": " + redis.client().getMap(queue.keys().job(id), StringCodec.INSTANCE)
          .readAllMap());
    }
    for (String entry : queue.deadLetters().raw(0, 10_000)) {
      outputs.add("dlq entry: " + (entry.length() > 2000 ? entry.substring(entry.length() - 2000) : entry));
    }
    try (Stream<Path> logs = Files.list(logDir)) {
      for (Path log : logs.toList()) {
        outputs.add(log.getFileName() + ": " + Files.readString(log));
      }
    }

    String all = String.join("\n", outputs);
    assertThat(all).contains("1C answered 400", "1C answered 500", "is not a usable phone number");
    for (String personal : PERSONAL) {
      assertThat(all).as("personal data '%s' in an output", personal).doesNotContain(personal);
    }
    // The garbage id: capped and escaped in every log line; no forged line.
    for (String output : outputs) {
      if (output.startsWith("dlq list") || output.startsWith("dlq entry")) {
        continue; // the DLQ entry keeps the id it must be found by; its JSON escapes the newline
      }
      assertThat(output.lines()).as("no line starts with the forged text")
          .noneMatch(line -> line.startsWith("FORGED"));
      assertThat(output.lines()).as("no 1 MB line").allMatch(line -> line.length() < 20_000);
    }
  }

  @Test
  void planted_secrets_reach_no_output() throws Exception {
    String jdbc = db.env().get("DATABASE_URL");
    Map<String, String> migrate = new HashMap<>(env());
    migrate.put("DATABASE_URL", jdbc + (jdbc.contains("?") ? "&" : "?") + "password=PlantedDbPw1");
    assertThat(run(migrate, "migrate").exitCode()).isZero();

    Map<String, String> badDb = new HashMap<>(env());
    badDb.put("DATABASE_URL", "postgresql://postgres:Pl4nted/S3cr@t@127.0.0.1:5432/test");
    assertThat(run(badDb, "export", "1").exitCode()).isEqualTo(ExitCodes.USAGE);

    Map<String, String> badRedis = new HashMap<>(env());
    badRedis.put("REDIS_URL", "redis://default:Pl4nted/S3cr@t@127.0.0.1:6379");
    assertThat(run(badRedis, "stats").exitCode()).isEqualTo(ExitCodes.USAGE);

    Map<String, String> deadRedis = new HashMap<>(env());
    deadRedis.put("REDIS_URL", "redis://user:PlantedRedisPw@127.0.0.1:1");
    run(deadRedis, "stats");

    Map<String, String> badOneC = new HashMap<>(env());
    badOneC.put("ONEC_BASE_URL", "http://exporter:PlantedOnecPw@1c.example/unf");
    assertThat(run(badOneC, "export", "1").exitCode()).isEqualTo(ExitCodes.USAGE);
    Map<String, String> badOneC2 = new HashMap<>(env());
    badOneC2.put("ONEC_BASE_URL", "http://exporter:Pl4nted/S3cr@t@1c.example/unf");
    run(badOneC2, "export", "1");

    // The enqueuer service's start-up errors.
    outputs.add(runJava(Map.of("ENQUEUER_TOKEN", "0123456789abcdef0123",
        "REDIS_URL", "redis://u:Pl4nted/S3cr@t@127.0.0.1:6379"), "org.onecexporter.enqueuer.service.EnqueuerMain"));

    // ops/requeue-dlq with a stand-in redis-cli that records what ps would show and what it was given.
    Path bin = Files.createDirectories(logDir.resolve("bin"));
    Path recorded = logDir.resolve("redis-cli.args");
    Path fake = bin.resolve("redis-cli");
    Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + recorded + "'\n"
        + "printf 'auth=%s\\n' \"${REDISCLI_AUTH:-}\" > '" + recorded + ".env'\necho 0\n");
    fake.toFile().setExecutable(true);
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    ProcessBuilder requeue = new ProcessBuilder(root.resolve("ops/requeue-dlq").toString(), "--all");
    requeue.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    requeue.environment().put("REDIS_URL", "redis://default:Pl4nted%2FS3cr%40t@127.0.0.1:6379/0");
    requeue.redirectErrorStream(true);
    Process process = requeue.start();
    String requeueOut = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    outputs.add("requeue-dlq: " + requeueOut);
    String argv = Files.readString(recorded);
    outputs.add("redis-cli argv: " + argv);
    assertThat(Files.readString(Path.of(recorded + ".env"))).as("the password goes through REDISCLI_AUTH")
        .contains("auth=Pl4nted/S3cr@t");
    assertThat(argv).contains("127.0.0.1");

    try (Stream<Path> logs = Files.list(logDir)) {
      for (Path log : logs.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".env")).toList()) {
        outputs.add(log.getFileName() + ": " + Files.readString(log));
      }
    }
    String all = String.join("\n", outputs);
    assertThat(all).contains("configuration error");
    for (String secret : List.of("Pl4nted", "S3cr", "PlantedDbPw1", "PlantedRedisPw", "PlantedOnecPw")) {
      assertThat(all).as("secret '%s' in an output", secret).doesNotContain(secret);
    }
  }

  private String runJava(Map<String, String> env, String mainClass) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("LOG_DIR", logDir.toString());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return mainClass + ": " + out;
  }

  private Process startWorker() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OnecExporterCli.class.getName(), "worker");
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env());
    builder.environment().put("WORKER_ID", "worker");
    builder.environment().put("WORKER_HTTP_PORT", "0");
    builder.redirectErrorStream(true).redirectOutput(logDir.resolve("worker.out").toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    processes.add(process);
    return process;
  }
}
