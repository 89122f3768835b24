package org.onecexporter.extension.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check would have caught the original mistake: the common module as first written (fixtures/old-Module.bsl,
 * commit 6f2735f) read Номенклатура.СтавкаНДС, which UNF 3.0 renamed to УдалитьСтавкаНДС.
 */
class OldModuleTest {
  private static final Path OLD = Path.of("src/test/resources/fixtures/old-Module.bsl");

  @Test
  void findsTheNonexistentVatRateOfTheProductAndOfTheDeliveryItem() throws Exception {
    String text = Files.readString(OLD, StandardCharsets.UTF_8);
    List<Integer> productLine = linesContaining(text, "Номенклатура.СтавкаНДС,");
    List<Integer> deliveryLine = linesContaining(text, "НоменклатураДоставки.СтавкаНДС,");
    assertThat(productLine).hasSize(1);
    assertThat(deliveryLine).hasSize(1);

    List<Finding> findings = new MetadataChecker(Path.of("metadata"), Path.of("dump"))
        .checkModule("old-Module.bsl", text, null);

    String message = "Справочник.Номенклатура has no attribute СтавкаНДС (3.0.5.199, 3.0.8.73)";
    assertThat(findings).contains(
        new Finding("old-Module.bsl", productLine.get(0), message),
        new Finding("old-Module.bsl", deliveryLine.get(0), message));
  }

  static List<Integer> linesContaining(String text, String fragment) {
    List<Integer> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(fragment)) {
        out.add(i + 1);
      }
    }
    return out;
  }
}
