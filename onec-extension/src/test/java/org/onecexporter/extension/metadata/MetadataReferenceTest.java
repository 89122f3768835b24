package org.onecexporter.extension.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every metadata reference of the extension's BSL (the common module, the HTTP service, the settings form) and of
 * its dump (adopted objects, role rights) resolves in every UNF release of metadata/*.json, and every value the
 * code dereferences has a type the checker can follow.
 */
class MetadataReferenceTest {

  @Test
  void everyReferenceOfTheExtensionResolvesInEveryRelease() throws Exception {
    MetadataChecker checker = new MetadataChecker(Path.of("metadata"), Path.of("dump"));
    List<Finding> findings = checker.checkDump();
    assertThat(findings)
        .as("references of onec-extension/dump that do not resolve in UNF %s (file:line: finding):%n%s%n",
            checker.releases(), findings.stream().map(f -> "  " + f).collect(Collectors.joining("\n")))
        .isEmpty();
  }
}
