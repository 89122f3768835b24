package org.onecexporter.extension.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The access group profile the administrator builds from the README holds the rights the service needs: every UNF
 * role the README names exists in every release of the manifest, and together they grant what buyer and invoice
 * creation touch (the extension's own role covers only its registers).
 */
class ProfileRolesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A row of the profile table: | synonym | `Name` | why |. */
  private static final Pattern ROLE_ROW = Pattern.compile("(?m)^\\| [^|]+ \\| `([\\p{L}_]+)` \\|");
  /** What the service reads and writes in UNF, right by right. */
  private static final Map<String, Set<String>> NEEDED = Map.of(
      "Справочник.Контрагенты", Set.of("Read", "Insert", "Update"),
      "Справочник.ДоговорыКонтрагентов", Set.of("Read", "Insert", "Update"),
      "РегистрСведений.ОсновныеДоговорыКонтрагента", Set.of("Read", "Update"),
      // Update and UndoPosting: the cancel method marks the invoice for deletion, which unposts a posted one.
      "Документ.СчетНаОплату", Set.of("Read", "Insert", "Update", "UndoPosting"),
      "Справочник.Номенклатура", Set.of("Read"),
      "Справочник.СтавкиНДС", Set.of("Read"),
      "Справочник.Организации", Set.of("Read"),
      "Справочник.ВидыЦен", Set.of("Read"),
      "Справочник.Валюты", Set.of("Read"));

  @Test
  void the_readme_profile_names_roles_that_exist_and_grant_what_the_service_needs() throws Exception {
    for (String readme : List.of("README.ru.md", "README.md")) {
      List<String> roles = profileRoles(Path.of(readme));
      assertThat(roles).as(readme + ": the profile table").contains("Магазин_СозданиеСчетовНаОплату")
          .hasSizeGreaterThanOrEqualTo(5);
      for (Path release : releases()) {
        JsonNode objects = JSON.readTree(release.toFile()).get("objects");
        Map<String, Set<String>> granted = new HashMap<>();
        for (String role : roles) {
          if (role.startsWith("Магазин_")) {
            continue;
          }
          JsonNode object = objects.get("Роль." + role);
          assertThat(object).as(readme + ": role " + role + " in " + release.getFileName()).isNotNull();
          object.path("rights").fields().forEachRemaining(e -> {
            Set<String> rights = granted.computeIfAbsent(e.getKey(), k -> new HashSet<>());
            e.getValue().forEach(r -> rights.add(r.asText()));
          });
        }
        NEEDED.forEach((object, rights) -> assertThat(granted.getOrDefault(object, Set.of()))
            .as(readme + ": rights on " + object + " in " + release.getFileName()).containsAll(rights));
      }
    }
  }

  /** The platform's Russian right names (ПравоДоступа) to the roles' English ones. */
  private static final Map<String, String> RIGHTS = Map.of(
      "Чтение", "Read", "Добавление", "Insert", "Изменение", "Update", "ОтменаПроведения", "UndoPosting",
      "Проведение", "Posting");

  @Test
  void the_rights_the_cancel_method_checks_before_marking_the_invoice_are_granted_by_the_profile() throws Exception {
    String module = Files.readString(Path.of("dump/CommonModules/Магазин_СчетаНаОплату/Ext/Module.bsl"),
        StandardCharsets.UTF_8);
    Matcher checked = Pattern.compile("(?s)Функция НедостающиеПраваОтмены\\(\\).*?СтрРазделить\\(\"([^\"]+)\"")
        .matcher(module);
    assertThat(checked.find()).as("НедостающиеПраваОтмены lists the rights it checks").isTrue();
    assertThat(module).contains("Счет.УстановитьПометкуУдаления(Истина)");
    List<String> roles = profileRoles(Path.of("README.md"));
    for (Path release : releases()) {
      JsonNode objects = JSON.readTree(release.toFile()).get("objects");
      Set<String> granted = new HashSet<>();
      for (String role : roles) {
        if (!role.startsWith("Магазин_")) {
          objects.path("Роль." + role).path("rights").path("Документ.СчетНаОплату").forEach(r -> granted.add(r.asText()));
        }
      }
      for (String right : checked.group(1).split(",")) {
        assertThat(RIGHTS).as("a right name the test knows").containsKey(right);
        assertThat(granted).as(right + " on Документ.СчетНаОплату in " + release.getFileName())
            .contains(RIGHTS.get(right));
      }
    }
  }

  /**
   * The cancel method's query of the documents based on the invoice reads, without РАЗРЕШЕННЫЕ, every document of the
   * filter criterion it names and every document it names itself. A table the user may not read fails the whole
   * query (answered 409 with no document named), so a profile without Read on them refuses every cancel. The
   * extension runs in safe mode and sets no privileged mode: the profile's roles must grant Read on each, in every
   * release.
   */
  @Test
  void the_profile_reads_every_document_the_cancel_methods_based_documents_query_reads() throws Exception {
    String module = Files.readString(Path.of("dump/CommonModules/Магазин_СчетаНаОплату/Ext/Module.bsl"),
        StandardCharsets.UTF_8);
    Matcher function = Pattern.compile("(?s)Функция ДокументыНаОсновании\\(.*?КонецФункции").matcher(module);
    assertThat(function.find()).as("the module has ДокументыНаОсновании").isTrue();
    String query = function.group();
    for (String readme : List.of("README.md", "README.ru.md")) {
      List<String> roles = profileRoles(Path.of(readme));
      for (Path release : releases()) {
        JsonNode objects = JSON.readTree(release.toFile()).get("objects");
        Set<String> read = new java.util.TreeSet<>();
        Matcher criterion = Pattern.compile("(?u)КритерийОтбора\\.([\\p{L}\\p{N}_]+)\\(").matcher(query);
        while (criterion.find()) {
          JsonNode content = objects.path("КритерийОтбора." + criterion.group(1)).path("properties").path("Content");
          assertThat(content.isArray()).as("КритерийОтбора." + criterion.group(1) + " in " + release.getFileName())
              .isTrue();
          content.forEach(c -> read.add("Документ." + c.asText().split("\\.")[1]));
        }
        Matcher source = Pattern.compile("(?u)(?<![\\p{L}\\p{N}_.])Документ\\.([\\p{L}\\p{N}_]+)").matcher(query);
        while (source.find()) {
          read.add("Документ." + source.group(1));
        }
        assertThat(read).as("the documents the query reads").isNotEmpty();
        for (String document : read) {
          assertThat(objects.has(document)).as(document + " is listed in metadata/objects.txt (" + release
              .getFileName() + "), so that the roles' rights on it are known").isTrue();
          List<String> granting = roles.stream().filter(r -> !r.startsWith("Магазин_"))
              .filter(r -> objects.path("Роль." + r).path("rights").path(document).toString().contains("\"Read\""))
              .toList();
          assertThat(granting).as(readme + ": a role of the profile granting Read on " + document + " in "
              + release.getFileName()).isNotEmpty();
        }
      }
    }
  }

  private static List<String> profileRoles(Path readme) throws Exception {
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf("`БазовыеПраваБСП`");
    assertThat(start).as(readme + " names the profile's roles").isPositive();
    int tableStart = text.lastIndexOf("\n\n", start);
    int tableEnd = text.indexOf("\n\n", start);
    List<String> roles = new ArrayList<>();
    Matcher row = ROLE_ROW.matcher(text.substring(tableStart, tableEnd));
    while (row.find()) {
      roles.add(row.group(1));
    }
    return roles;
  }

  private static List<Path> releases() throws Exception {
    try (var files = Files.list(Path.of("metadata"))) {
      return files.filter(p -> p.getFileName().toString().matches("unf-.*\\.json")).sorted().toList();
    }
  }
}
