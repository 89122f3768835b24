package org.onecexporter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.ops.EnqueueMeters;
import org.onecexporter.json.Json;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.worker.WorkerMetricsProbe;

/**
 * There is no Docker engine where this is developed, so the compose stack is checked as text: it parses, every
 * build context, Dockerfile target and mounted file exists, the environment matches the documented
 * configuration, ports match the defaults, workers can be scaled, and every metric the dashboard and the alerts
 * use is one the code exports.
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ENV_NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

  private static JsonNode compose() throws Exception {
    return YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
  }

  @Test
  void every_service_builds_from_an_existing_context_and_dockerfile_target() throws Exception {
    JsonNode services = compose().get("services");
    assertThat(iterable(services.fieldNames())).contains("redis", "postgres", "migrate", "emulator", "enqueuer",
        "worker", "prometheus", "grafana");
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    for (var service : iterable(services.fields())) {
      JsonNode build = service.getValue().get("build");
      if (build == null) {
        assertThat(service.getValue().has("image")).as(service.getKey() + " has an image or a build").isTrue();
        continue;
      }
      Path context = ROOT.resolve(build.get("context").asText()).normalize();
      assertThat(context).isDirectory();
      assertThat(context.resolve(build.path("dockerfile").asText("Dockerfile"))).isRegularFile();
      assertThat(dockerfile).as("Dockerfile stage for " + service.getKey())
          .containsPattern("(?m)^FROM .+ AS " + Pattern.quote(build.get("target").asText()) + "$");
    }
    assertThat(dockerfile).contains("USER app", "HEALTHCHECK", "eclipse-temurin:21-jre");
  }

  @Test
  void the_image_build_copies_every_module_it_builds() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    var build = Pattern.compile("mvn .*-pl ([\\w,-]+) -am package").matcher(dockerfile);
    assertThat(build.find()).as("the build names its modules, so a new reactor module cannot break it").isTrue();
    for (String module : build.group(1).split(",")) {
      assertThat(dockerfile).contains("COPY " + module + "/src " + module + "/src");
    }
    var modules = Pattern.compile("<module>([\\w-]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    int count = 0;
    while (modules.find()) {
      count++;
      String module = modules.group(1);
      assertThat(dockerfile).as("Maven reads every reactor module's pom").contains(
          "COPY " + module + "/pom.xml " + module + "/");
      if (!Set.of("bench", "demo", "onec-extension").contains(module)) {
        // -am builds what the shipped modules need: every module but the benchmarks, the demo and the 1C side.
        assertThat(dockerfile).as("the sources of " + module).contains("COPY " + module + "/src " + module + "/src");
      }
    }
    assertThat(count).isGreaterThanOrEqualTo(5);
  }

  @Test
  void mounted_files_exist_and_redis_keeps_an_append_only_file() throws Exception {
    JsonNode services = compose().get("services");
    for (var service : iterable(services.fields())) {
      for (JsonNode volume : service.getValue().path("volumes")) {
        String source = volume.asText().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(ROOT.resolve(source).normalize()).as(service.getKey() + " mounts " + source).exists();
        }
      }
    }
    assertThat(services.get("redis").get("command").toString()).contains("--appendonly", "yes", "--appendfsync",
        "everysec");
  }

  @Test
  void workers_scale_and_ports_match_the_documented_defaults() throws Exception {
    JsonNode services = compose().get("services");
    JsonNode worker = services.get("worker");
    assertThat(worker.has("ports")).as("no fixed host port, so --scale worker=3 works").isFalse();
    assertThat(worker.has("container_name")).isFalse();
    assertThat(worker.get("expose").toString()).contains("9090");
    assertThat(worker.get("environment").get("WORKER_HTTP_PORT").asText()).isEqualTo("9090");
    assertThat(services.get("enqueuer").get("ports").get(0).asText()).isEqualTo("8081:8081");
    assertThat(services.get("enqueuer").get("environment").get("ENQUEUER_PORT").asText()).isEqualTo("8081");
    assertThat(services.get("emulator").get("ports").get(0).asText()).isEqualTo("127.0.0.1:8088:8088");
    assertThat(services.get("prometheus").get("ports").get(0).asText()).startsWith("127.0.0.1:");
    assertThat(services.get("grafana").get("ports").get(0).asText()).startsWith("127.0.0.1:");
    assertThat(services.get("redis").has("ports")).isFalse();
    assertThat(services.get("postgres").has("ports")).isFalse();
    assertThat(services.get("enqueuer").get("environment").get("ENQUEUER_TOKEN").asText())
        .as("the token must be set: no default").startsWith("${ENQUEUER_TOKEN:?");
    assertThat(compose().get("x-exporter-env").get("ONEC_BASE_URL").asText()).contains("http://emulator:8088/unf");
    // Jackson keeps a YAML merge as the anchor name: the worker takes the shared exporter environment.
    assertThat(worker.get("environment").get("<<").asText()).isEqualTo("exporter-env");
  }

  @Test
  void our_services_use_only_documented_environment_variables() throws Exception {
    Set<String> documented = new HashSet<>();
    Matcher m = ENV_NAME.matcher(Files.readString(ROOT.resolve("README.md")));
    while (m.find()) {
      documented.add(m.group(1));
    }
    JsonNode services = compose().get("services");
    for (String name : List.of("migrate", "emulator", "enqueuer", "worker")) {
      for (String variable : iterable(services.get(name).get("environment").fieldNames())) {
        if (variable.equals("<<")) {
          continue;
        }
        assertThat(documented).as(name + " sets " + variable).contains(variable);
      }
    }
    for (String variable : iterable(compose().get("x-exporter-env").fieldNames())) {
      assertThat(documented).as("x-exporter-env sets " + variable).contains(variable);
    }
  }

  @Test
  void prometheus_scrapes_our_services_and_loads_the_alerts() throws Exception {
    JsonNode prometheus = YAML.readTree(ROOT.resolve("ops/prometheus/prometheus.yml").toFile());
    String text = prometheus.toString();
    assertThat(text).contains("\"worker\"", "enqueuer:8081", "9090", "console:9180", "/etc/prometheus/alerts.yml");
    JsonNode alerts = YAML.readTree(ROOT.resolve("ops/prometheus/alerts.yml").toFile());
    List<String> names = new ArrayList<>();
    alerts.get("groups").get(0).get("rules").forEach(r -> names.add(r.get("alert").asText()));
    assertThat(names).contains("OnecDlqNotEmpty", "OnecOldestJobTooOld", "OnecCircuitOpenLong",
        "OnecNoExportsWhileJobsWait", "OnecWorkerSick", "OnecPasswordGuessing");
  }

  @Test
  void every_metric_in_the_dashboard_and_alerts_is_exported_by_the_code() throws Exception {
    String exported = exportedMetrics();
    List<String> queries = new ArrayList<>();
    JsonNode dashboard = Json.MAPPER.readTree(ROOT.resolve("ops/grafana/dashboards/onec-exporter.json").toFile());
    dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> queries.add(t.get("expr").asText())));
    YAML.readTree(ROOT.resolve("ops/prometheus/alerts.yml").toFile()).get("groups").get(0).get("rules")
        .forEach(r -> queries.add(r.get("expr").asText()));
    assertThat(queries).hasSizeGreaterThan(10);
    Pattern metric = Pattern.compile("onec_[a-z_]+");
    for (String query : queries) {
      Matcher m = metric.matcher(query);
      while (m.find()) {
        assertThat(exported).as("metric %s used in %s", m.group(), query).contains("\n" + m.group());
      }
    }
  }

  /** What a worker and an enqueuer export, after one of each event has happened. */
  private static String exportedMetrics() {
    PrometheusMeterRegistry enqueuerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (InvoiceEnqueuer ignored = new InvoiceEnqueuer(new LazyQueue(() -> {
      throw new IllegalStateException("not connected");
    }, new QueueKeys(QueueKeys.DEFAULT_PREFIX), Duration.ofSeconds(1)), listener(new EnqueueMeters(enqueuerRegistry,
        java.util.Arrays.stream(org.onecexporter.enqueuer.EnqueueStatus.values()).map(Enum::name).toList())))) {
      String worker = WorkerMetricsProbe.scrapeAfterOneOfEach(Instant.now().minusSeconds(5), Instant.now());
      // The console's refused credentials as its server registers them; the enqueuer service's counter is
      // checked on its own /metrics by EnqueuerHttpServerTest.
      PrometheusMeterRegistry consoleRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      org.onecexporter.console.ConsoleServer.authFailuresCounter(consoleRegistry).increment();
      enqueuerRegistry.counter("onec_enqueuer_auth_failures").increment();
      return "\n" + worker + "\n" + enqueuerRegistry.scrape() + "\n" + consoleRegistry.scrape();
    }
  }

  private static InvoiceEnqueuer.Listener listener(EnqueueMeters meters) {
    return (status, nanos) -> meters.record(status.name(), nanos);
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    List<T> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }
}
