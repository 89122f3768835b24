package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.cli.CliProcess;
import org.onecexporter.cli.OnecExporterCli;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * Two workers started on one host as the README and the runbook say (no {@code WORKER_HTTP_PORT}): each takes its
 * own ops port, the first free one from 9090 up, and both keep running.
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class WorkersOnOneHostTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  private WorkerProcesses workers;
  @TempDir
  Path logDir;

  WorkersOnOneHostTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @AfterEach
  void stop() {
    if (workers != null) {
      workers.close();
    }
  }

  private Process startWorker(String id) throws IOException {
    if (workers == null) {
      workers = new WorkerProcesses(db, redis, emulator, logDir);
    }
    return workers.start(id, Map.of());
  }

  private Path output(String id) {
    return workers.output(id);
  }

  private OptionalInt announcedPort(String id) throws IOException {
    return workers.port(id);
  }

  private static int get(int port, String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  @Test
  void a_second_worker_on_the_same_host_takes_the_next_free_port_and_keeps_running() throws Exception {
    Process first = startWorker("first");
    await().atMost(Duration.ofSeconds(60)).until(() -> announcedPort("first").isPresent() || !first.isAlive());
    assertThat(first.isAlive()).as("first worker: %s", Files.readString(output("first"))).isTrue();

    Process second = startWorker("second");
    await().atMost(Duration.ofSeconds(60)).until(() -> announcedPort("second").isPresent() || !second.isAlive());
    assertThat(second.isAlive()).as("second worker: %s", Files.readString(output("second"))).isTrue();

    int firstPort = announcedPort("first").orElseThrow();
    int secondPort = announcedPort("second").orElseThrow();
    assertThat(firstPort).isBetween(9090, 9140);
    assertThat(secondPort).isBetween(9091, 9140).isNotEqualTo(firstPort);
    assertThat(get(firstPort, "/health/live")).isEqualTo(200);
    assertThat(get(secondPort, "/health/live")).isEqualTo(200);
    Thread.sleep(2000);
    assertThat(first.isAlive()).isTrue();
    assertThat(second.isAlive()).isTrue();
  }
}
