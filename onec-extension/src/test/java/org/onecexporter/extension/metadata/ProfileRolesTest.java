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
      "Документ.СчетНаОплату", Set.of("Read", "Insert", "Update"),
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
