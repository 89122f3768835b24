package org.onecexporter.extension;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lints every BSL module of the extension with BSL Language Server (its "analyze" command, JSON reporter) in a
 * JVM of its own. The analyzer exits 0 whatever it finds, so the report is read here: an error-severity finding
 * fails the build, and the report must cover every module so that an empty analysis cannot pass.
 */
class BslLintTest {
  private static final String LAUNCHER = "com.github._1c_syntax.bsl.languageserver.BSLLSPLauncher";

  @Test
  void bsl_language_server_finds_no_errors_in_any_module() throws Exception {
    Path classpathFile = Path.of(System.getProperty("bsl.classpathFile", "target/bsl-language-server.classpath"));
    Path reportDir = Path.of(System.getProperty("bsl.reportDir", "target/bsl-report")).toAbsolutePath();
    assertThat(classpathFile).as("written by maven-dependency-plugin before the tests").exists();
    Files.createDirectories(reportDir);
    Files.deleteIfExists(reportDir.resolve("bsl-json.json"));

    Path log = reportDir.resolve("bsl-language-server.log");
    Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g", "-Dfile.encoding=UTF-8",
            "-cp", Files.readString(classpathFile).trim(),
            LAUNCHER, "analyze", "--silent",
            "--srcDir", Dump.ROOT.toAbsolutePath().toString(),
            "--reporter", "json",
            "--outputDir", reportDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the analysis finishes").isTrue();
    assertThat(process.exitValue()).as("exit code, output in " + log).isZero();

    JsonNode report = new ObjectMapper().readTree(reportDir.resolve("bsl-json.json").toFile());
    List<String> analysed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Map<String, Integer> bySeverity = new TreeMap<>();
    for (JsonNode file : report.path("fileinfos")) {
      String path = new File(URI.create(file.path("path").asText())).getCanonicalPath();
      analysed.add(path);
      for (JsonNode d : file.path("diagnostics")) {
        String severity = d.path("severity").asText();
        bySeverity.merge(severity, 1, Integer::sum);
        if ("Error".equals(severity) && !inTheExtendedConfiguration(d) && !aFilterCriterionWithItsValue(path, d)) {
          errors.add(path + ":" + (d.path("range").path("start").path("line").asInt() + 1) + " "
              + d.path("code").asText() + " " + d.path("message").asText());
        }
      }
    }
    System.out.println("BSL Language Server findings by severity: " + bySeverity + " (report: " + reportDir + ")");

    List<String> modules = new ArrayList<>();
    for (Path module : Dump.files(".bsl")) {
      modules.add(module.toFile().getCanonicalPath());
    }
    assertThat(modules).hasSizeGreaterThanOrEqualTo(3);
    assertThat(analysed).as("every module was analysed").containsAll(modules);
    assertThat(errors).as("error-severity findings").isEmpty();
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain("Exception in thread");
  }

  /**
   * BSL Language Server reads a query source with parentheses as a virtual table and finds "no parameters" in a filter
   * criterion's table, {@code КритерийОтбора.X(&Value)}, whose single parameter is the value it filters by. Such a
   * finding is dropped only when its line is a filter criterion given a query parameter.
   */
  private static boolean aFilterCriterionWithItsValue(String path, JsonNode diagnostic) throws IOException {
    if (!"VirtualTableCallWithoutParameters".equals(diagnostic.path("code").asText())) {
      return false;
    }
    List<String> lines = Files.readAllLines(Path.of(path), StandardCharsets.UTF_8);
    int line = diagnostic.path("range").path("start").path("line").asInt();
    return line < lines.size()
        && lines.get(line).matches("(?U).*КритерийОтбора\\.[\\p{L}\\d_]+\\(\\s*&[\\p{L}\\d_]+\\s*\\).*");
  }

  /**
   * BSL Language Server sees only the extension's dump, not the configuration it extends, so a query over a UNF
   * object the extension does not adopt is "missing metadata" to it. Such a finding is dropped only when the object
   * exists in every UNF release of metadata/*.json (MetadataReferenceTest checks the query's fields there); a query
   * over a name UNF lacks still fails here.
   */
  private static boolean inTheExtendedConfiguration(JsonNode diagnostic) throws IOException {
    if (!"QueryToMissingMetadata".equals(diagnostic.path("code").asText())) {
      return false;
    }
    java.util.regex.Matcher name = java.util.regex.Pattern.compile("\"([^\"]+)\"")
        .matcher(diagnostic.path("message").asText());
    if (!name.find()) {
      return false;
    }
    List<Path> manifests;
    try (java.util.stream.Stream<Path> files = Files.list(Path.of("metadata"))) {
      manifests = files.filter(f -> f.getFileName().toString().matches("unf-.*\\.json")).toList();
    }
    for (Path manifest : manifests) {
      if (!new ObjectMapper().readTree(manifest.toFile()).path("objects").has(name.group(1))) {
        return false;
      }
    }
    return !manifests.isEmpty();
  }
}
