package org.onecexporter.extension.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.extension.metadata.Manifest.MdObject;
import org.onecexporter.extension.metadata.Manifest.Method;

/** The committed manifests: well-formed, one per release, holding the facts the extension's code was fixed by. */
class ManifestTest {
  private static final Path METADATA = Path.of("metadata");

  private static List<Manifest> manifests() throws Exception {
    return MetaIndex.manifests(METADATA);
  }

  @Test
  void oneManifestPerReleaseEachListingEveryObjectOfObjectsTxt() throws Exception {
    List<Manifest> manifests = manifests();
    assertThat(manifests).extracting(Manifest::release).containsExactly("3.0.5.199", "3.0.8.73");
    List<String> listed = ManifestGenerator.readObjectList(METADATA.resolve("objects.txt"));
    for (Manifest m : manifests) {
      assertThat(m.configurationName()).isEqualTo("УправлениеНебольшойФирмой");
      for (String key : listed) {
        assertThat(m.objects().containsKey(key) || m.missing().contains(key))
            .as("%s in the manifest of %s", key, m.release()).isTrue();
      }
      assertThat(m.objects().keySet()).allMatch(listed::contains);
      m.objects().forEach((key, o) -> {
        assertThat(key).isEqualTo(o.kind() + "." + o.name());
        assertThat(o.uuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      });
    }
  }

  @Test
  void theFactsTheExtensionDependsOn() throws Exception {
    for (Manifest m : manifests()) {
      MdObject product = m.objects().get("Справочник.Номенклатура");
      assertThat(product.uuid()).isEqualTo("bea7f781-5f18-4219-997c-9a767fb284be");
      assertThat(product.attributes()).containsEntry("ВидСтавкиНДС", List.of("ПеречислениеСсылка.ВидыСтавокНДС"))
          .containsEntry("УдалитьСтавкаНДС", List.of("СправочникСсылка.СтавкиНДС"))
          .containsEntry("ЕдиницаИзмерения", List.of("СправочникСсылка.КлассификаторЕдиницИзмерения"))
          .doesNotContainKey("СтавкаНДС");
      assertThat(product.standardAttributes()).containsEntry("Наименование", List.of("Строка(100)"))
          .containsEntry("Код", List.of("Строка(11)")).containsKey("ЭтоГруппа");

      MdObject counterparty = m.objects().get("Справочник.Контрагенты");
      assertThat(counterparty.attributes()).containsEntry("ВидКонтрагента", List.of("ПеречислениеСсылка.ВидыКонтрагентов"));
      assertThat(counterparty.tabularSections().get("КонтактнаяИнформация").columns())
          .containsKeys("Тип", "Вид", "Представление", "НомерТелефона", "ОбратныйНомерТелефона");

      MdObject invoice = m.objects().get("Документ.СчетНаОплату");
      assertThat(invoice.attributes()).containsKeys("СуммаНДСДоставки", "СтавкаНДСДоставки", "НоменклатураДоставки",
          "СуммаВключаетНДС", "НалогообложениеНДС", "Договор");
      assertThat(invoice.tabularSections().get("Запасы").columns())
          .containsEntry("СтавкаНДС", List.of("СправочникСсылка.СтавкиНДС")).containsKeys("Всего", "СуммаНДС");
      assertThat(invoice.standardAttributes()).containsEntry("Номер", List.of("Строка(11)"));

      Method rate = m.objects().get("Справочник.СтавкиНДС").managerModule().get("СтавкаНДС");
      assertThat(rate.function()).isTrue();
      assertThat(rate.required()).isEqualTo(1);
      assertThat(rate.total()).isEqualTo(2);

      assertThat(m.objects().get("Перечисление.ВидыКонтрагентов").enumValues()).contains("ФизическоеЛицо");
      assertThat(m.objects().get("Справочник.ВидыКонтактнойИнформации").predefined())
          .contains("ТелефонКонтрагента", "АдресДоставкиКонтрагента");
      assertThat(m.objects().get("РегистрСведений.ОсновныеДоговорыКонтрагента").dimensions())
          .containsKeys("Контрагент", "Организация", "ВидДоговора");
      Map<String, ?> rights = m.objects().get("Роль.ДобавлениеИзменениеКонтрагентов").rights();
      assertThat(rights).containsKeys("Справочник.Контрагенты", "Справочник.ДоговорыКонтрагентов");
      // The roles the README's access group profile names (ProfileRolesTest holds the README to them).
      assertThat(m.objects()).containsKeys("Роль.БазовыеПраваПриложения", "Роль.ЧтениеКурсовВалют",
          "Роль.ДобавлениеИзменениеСчетовНаОплату");
      assertThat(m.missing()).isEmpty();
    }
  }

  @Test
  void theReleasesDifferWhereUnfChanged() throws Exception {
    List<Manifest> manifests = manifests();
    MdObject older = manifests.get(0).objects().get("Справочник.Номенклатура");
    MdObject newer = manifests.get(1).objects().get("Справочник.Номенклатура");
    assertThat(older.attributes()).doesNotContainKey("Числитель");
    assertThat(newer.attributes()).containsKey("Числитель");
  }

  /** Regenerating from the public dumps gives the committed bytes (runs only where the dumps are checked out). */
  @Test
  void regeneratingGivesTheCommittedFiles(@TempDir Path out) throws Exception {
    Path unf308 = Path.of(System.getProperty("unf.dump.308", "/work/dumps/unf308"));
    Path unf305 = Path.of(System.getProperty("unf.dump.305", "/work/dumps/unf305"));
    assumeTrue(Files.isDirectory(unf308) && Files.isDirectory(unf305), "the UNF dumps are not on this machine");
    ManifestGenerator.main(new String[] {METADATA.resolve("objects.txt").toString(), out.toString(),
        unf308.toString(), unf305.toString()});
    for (String f : List.of("unf-3.0.5.199.json", "unf-3.0.8.73.json")) {
      assertThat(Files.readString(out.resolve(f))).as(f).isEqualTo(Files.readString(METADATA.resolve(f)));
    }
  }
}
