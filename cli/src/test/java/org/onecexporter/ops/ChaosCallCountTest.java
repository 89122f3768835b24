package org.onecexporter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.worker.WorkerMetrics;

/**
 * ops/chaos counts the calls that reached a dead 1C from the workers' own counter (ops/lib/onec_calls.py over two
 * scrapes of each worker's /metrics), never from a log sentence: the scrapes here come from a real
 * {@link WorkerMetrics}, so renaming the metric fails this test, and a scrape without it is an error, not a zero.
 */
class ChaosCallCountTest {
  private static final Path SCRIPT = Path.of("..", "ops", "lib", "onec_calls.py");

  @TempDir
  Path dir;

  private record Run(int exitCode, String stdout, String stderr) {}

  private Run count(Path before, Path after) throws Exception {
    Process process = new ProcessBuilder("python3", SCRIPT.toString(), before.toString(), after.toString()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out.strip(), err.strip());
  }

  private Path scrapes(String name, String... texts) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    for (int i = 0; i < texts.length; i++) {
      Files.writeString(d.resolve((19480 + i) + ".txt"), texts[i]);
    }
    return d;
  }

  @Test
  void the_failed_calls_of_every_worker_between_two_scrapes_are_counted_from_its_counter() throws Exception {
    WorkerMetrics one = new WorkerMetrics();
    WorkerMetrics two = new WorkerMetrics();
    one.callFinished(Duration.ofMillis(5), "exported");
    Path before = scrapes("before", one.registry().scrape(), two.registry().scrape());
    one.callFinished(Duration.ofMillis(2000), "transient_failure");
    one.callFinished(Duration.ofMillis(30), "transient_failure");
    one.callFinished(Duration.ofMillis(30), "exported"); // an attempt that began before 1C died: not a dead call
    two.callFinished(Duration.ofMillis(1), "transient_failure");
    two.callFinished(Duration.ofMillis(40), "not_configured");
    Path after = scrapes("after", one.registry().scrape(), two.registry().scrape());

    Run run = count(before, after);
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("4");
    assertThat(count(before, before).stdout()).as("no call is a real 0").isEqualTo("0");
  }

  @Test
  void a_scrape_without_the_counter_a_missing_scrape_or_a_restarted_worker_is_an_error_not_zero() throws Exception {
    WorkerMetrics worker = new WorkerMetrics();
    worker.callFinished(Duration.ofMillis(3), "transient_failure");
    String scrape = worker.registry().scrape();
    Path before = scrapes("before", scrape);

    Run renamed = count(before, scrapes("renamed", scrape.replace("onec_calls_total", "onec_1c_calls_total")));
    assertThat(renamed.exitCode()).isEqualTo(1);
    assertThat(renamed.stdout()).isEmpty();
    assertThat(renamed.stderr()).contains("no onec_calls_total line");

    Run unreachable = count(before, scrapes("unreachable", ""));
    assertThat(unreachable.exitCode()).isEqualTo(1);

    Run absent = count(before, Files.createDirectories(dir.resolve("absent")));
    assertThat(absent.exitCode()).isEqualTo(1);

    Run restarted = count(before, scrapes("restarted", new WorkerMetrics().registry().scrape()));
    assertThat(restarted.exitCode()).isEqualTo(1);
    assertThat(restarted.stderr()).contains("restarted");

    Run none = count(Files.createDirectories(dir.resolve("none")), before);
    assertThat(none.exitCode()).as("no worker scraped").isEqualTo(1);
  }
}
