package org.onecexporter.extension.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extension's module does at run time what UNF's own code needs (RunTimeChecker's rules, facts from both public
 * releases), and the module as it was before these rules (fixtures/names-only-Module.bsl: every name resolved, yet
 * invoices an accountant cannot post) fails each of them.
 */
class RunTimeRulesTest {
  private static final Path MODULE = Path.of("dump/CommonModules/Магазин_СчетаНаОплату/Ext/Module.bsl");
  private static final Path NAMES_ONLY = Path.of("src/test/resources/fixtures/names-only-Module.bsl");
  private static RunTimeChecker checker;

  @BeforeAll
  static void load() throws Exception {
    checker = new RunTimeChecker(Path.of("metadata"));
  }

  private static List<String> check(String name, String text) {
    return checker.check(name, text).stream().map(f -> f.line() + ": " + f.message()).toList();
  }

  @Test
  void theExtensionsModuleFollowsEveryRunTimeRule() throws Exception {
    List<String> findings = check("Module.bsl", Files.readString(MODULE, StandardCharsets.UTF_8));
    assertThat(findings).as("run-time findings:%n%s", String.join("\n", findings)).isEmpty();
  }

  @Test
  void theModuleBeforeTheRulesFailsEachOfThem() throws Exception {
    List<String> findings = check("old.bsl", Files.readString(NAMES_ONLY, StandardCharsets.UTF_8));
    String all = String.join("\n", findings);
    assertThat(findings.stream().map(f -> f.replaceFirst("^\\d+: ", "").replaceFirst(":.*", ""))
        .collect(Collectors.toSet()))
        .as(all)
        .contains("fill-check", "closed-period", "allowed-only", "no-address-recognition", "discounts-final",
            "currency-checked", "contract-organisation", "vat-2026", "phone-equality");
    assertThat(all).contains("Документ.СчетНаОплату is written without Счет.ПроверитьЗаполнение()")
        .contains("Справочник.Контрагенты is written without НовыйПокупатель.ПроверитьЗаполнение()")
        .contains("a query over Справочник.Контрагенты")
        .contains("ОбратныйНомерТелефона compared with ПОДОБНО")
        .contains("without leaving out Недействителен");
  }

  @Test
  void aQueryOverARestrictedCatalogNeedsAllowedAndAPhoneKeyNeedsEquality() {
    String bad = """
        Функция Найти(Обратный) Экспорт
        	Запрос = Новый Запрос;
        	Запрос.Текст =
        	"ВЫБРАТЬ ПЕРВЫЕ 1
        	|	Контрагенты.Ссылка КАК Ссылка
        	|ИЗ
        	|	Справочник.Контрагенты.КонтактнаяИнформация КАК КИ
        	|		ВНУТРЕННЕЕ СОЕДИНЕНИЕ Справочник.Контрагенты КАК Контрагенты
        	|		ПО КИ.Ссылка = Контрагенты.Ссылка
        	|ГДЕ
        	|	КИ.ОбратныйНомерТелефона ПОДОБНО &Шаблон";
        	Возврат Запрос.Выполнить();
        КонецФункции
        """;
    assertThat(check("T.bsl", bad)).hasSize(3).allMatch(f -> f.startsWith("4: "))
        .anyMatch(f -> f.contains("allowed-only")).anyMatch(f -> f.contains("compared with ПОДОБНО"))
        .anyMatch(f -> f.contains("Недействителен"));
    String good = bad.replace("ВЫБРАТЬ ПЕРВЫЕ 1", "ВЫБРАТЬ РАЗРЕШЕННЫЕ ПЕРВЫЕ 1")
        .replace("ПОДОБНО &Шаблон\";", "= &Обратный\n\t|\tИ НЕ Контрагенты.Недействителен\";");
    assertThat(check("T.bsl", good)).isEmpty();
  }

  @Test
  void aRawAddressStringIsRecognisedButAJsonValueBuiltFromTheDescriptionIsNot() {
    String raw = """
        Процедура Адрес(Покупатель, Адрес) Экспорт
        	УправлениеКонтактнойИнформацией.ДобавитьКонтактнуюИнформацию(Покупатель, Адрес, Вид);
        КонецПроцедуры
        """;
    assertThat(check("T.bsl", raw)).singleElement().asString().startsWith("2: no-address-recognition");
    String prepared = """
        Процедура Адрес(Покупатель, Адрес) Экспорт
        	Значение = ВСвободнойФорме(Адрес);
        	УправлениеКонтактнойИнформацией.ДобавитьКонтактнуюИнформацию(Покупатель, Значение, Вид);
        КонецПроцедуры

        Функция ВСвободнойФорме(Адрес)
        	Описание = УправлениеКонтактнойИнформациейКлиентСервер.ОписаниеНовойКонтактнойИнформации(Тип);
        	Возврат Описание;
        КонецФункции
        """;
    assertThat(check("T.bsl", prepared)).isEmpty();
  }

  @Test
  void aDeletionMarkNeedsTheLockTheBasedDocumentsTheClosedPeriodAndTheAccessGroupFirst() {
    String bare = """
        Процедура Пометить(Ссылка) Экспорт
        	Счет = Ссылка.ПолучитьОбъект();
        	Счет.УстановитьПометкуУдаления(Истина);
        КонецПроцедуры
        """;
    assertThat(check("T.bsl", bare)).singleElement().asString().startsWith("3: deletion-mark: Счет is marked")
        .contains("exclusive managed lock", "КритерийОтбора", "ДатыЗапретаИзменения.ИзменениеЗапрещено(Счет)",
            "УправлениеДоступом.ИзменениеРазрешено(Счет)");
    String checked = """
        Процедура Пометить(Ссылка) Экспорт
        	Заблокировать(Ссылка);
        	Счет = Ссылка.ПолучитьОбъект();
        	Если Основанные(Ссылка).Количество() > 0 Тогда
        		Возврат;
        	КонецЕсли;
        	Если ДатыЗапретаИзменения.ИзменениеЗапрещено(Счет) Или Не УправлениеДоступом.ИзменениеРазрешено(Счет) Тогда
        		Возврат;
        	КонецЕсли;
        	Счет.УстановитьПометкуУдаления(Истина);
        КонецПроцедуры

        Процедура Заблокировать(Ссылка)
        	Блокировка = Новый БлокировкаДанных;
        	Элемент = Блокировка.Добавить("Документ.СчетНаОплату");
        	Элемент.Режим = РежимБлокировкиДанных.Исключительный;
        	Блокировка.Заблокировать();
        КонецПроцедуры

        Функция Основанные(Ссылка)
        	Запрос = Новый Запрос("ВЫБРАТЬ ПоСчету.Ссылка ИЗ КритерийОтбора.ДокументыПоСчетуНаОплату(&Счет) КАК ПоСчету");
        	Возврат Запрос.Выполнить().Выгрузить();
        КонецФункции
        """;
    assertThat(check("T.bsl", checked)).isEmpty();
    assertThat(check("T.bsl", checked.replace("ДокументыПоСчетуНаОплату", "ДокументыПоСчету")))
        .singleElement().asString().contains("a query of the documents based on it");
    // The documents based on the invoice are read without РАЗРЕШЕННЫЕ, even beside a restricted document: a payment
    // the service's user may not see fails the query instead of letting the invoice be marked.
    String withEvents = checked.replace("КАК ПоСчету\");", "КАК ПоСчету ГДЕ НЕ ПоСчету.Ссылка ССЫЛКА Документ.Событие\");");
    assertThat(withEvents).contains("ССЫЛКА Документ.Событие");
    assertThat(check("T.bsl", withEvents)).isEmpty();
    assertThat(check("T.bsl", withEvents.replace("ВЫБРАТЬ ПоСчету", "ВЫБРАТЬ РАЗРЕШЕННЫЕ ПоСчету")))
        .singleElement().asString().contains("blockers-visible");
  }

  /**
   * Every attribute of a listed UNF document that names an invoice (ДокументСсылка.СчетНаОплату: a payment's
   * breakdown, a shipment's basis, an offset) is looked at by the cancel method's check of the documents based on
   * the invoice, in every release: through the filter criterion's Content, or by the check's own query
   * ({@code Документ.X[.T] КАК Alias ... Alias.Attribute = &Счет}). UNF's criterion leaves out the card payment
   * (ОперацияПоПлатежнымКартам: its basis and its breakdown) and the payment through an agent
   * (ПоступлениеНаСчет.РасшифровкаПлатежаОтАгента), the ways an online shop is paid. Left aside: ОснованиеПечатиСсылка
   * (the basis of the document's own printing), what is named Удалить* (out of use), the invoice's own attributes.
   * The documents are those of metadata/objects.txt; {@link #NAMING_THE_INVOICE} holds, from an audit of both dumps,
   * every attribute of another UNF document typed ДокументСсылка.СчетНаОплату in both releases, so a document left
   * out of objects.txt cannot pass unseen.
   */
  @Test
  void theCancelsCheckLooksAtEveryListedDocumentThatNamesTheInvoice() throws Exception {
    String module = Files.readString(MODULE, StandardCharsets.UTF_8);
    java.util.regex.Matcher function = java.util.regex.Pattern.compile("(?s)Функция ДокументыНаОсновании\\(.*?КонецФункции")
        .matcher(module);
    assertThat(function.find()).as("the module has ДокументыНаОсновании").isTrue();
    String query = function.group();
    java.util.Set<String> own = new java.util.TreeSet<>();
    java.util.regex.Matcher source = java.util.regex.Pattern.compile(
        "(?u)Документ\\.([\\p{L}\\p{N}_]+(?:\\.[\\p{L}\\p{N}_]+)?)\\s+КАК\\s+([\\p{L}\\p{N}_]+)").matcher(query);
    while (source.find()) {
      java.util.regex.Matcher condition = java.util.regex.Pattern.compile("(?u)(?<![\\p{L}\\p{N}_])"
          + java.util.regex.Pattern.quote(source.group(2)) + "\\.([\\p{L}\\p{N}_]+)\\s*=\\s*&Счет(?![\\p{L}\\p{N}_])")
          .matcher(query);
      while (condition.find()) {
        own.add(source.group(1) + "." + condition.group(1));
      }
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (var files = Files.list(Path.of("metadata"))) {
      for (Path release : files.filter(p -> p.getFileName().toString().matches("unf-.*\\.json")).sorted().toList()) {
        var objects = json.readTree(release.toFile()).get("objects");
        java.util.Set<String> looked = new java.util.TreeSet<>(own);
        java.util.regex.Matcher criterion = java.util.regex.Pattern.compile("(?u)КритерийОтбора\\.([\\p{L}\\p{N}_]+)\\(")
            .matcher(query);
        while (criterion.find()) {
          objects.path("КритерийОтбора." + criterion.group(1)).path("properties").path("Content").forEach(c -> {
            String[] p = c.asText().split("\\.");
            looked.add(p.length == 4 ? p[1] + "." + p[3] : p[1] + "." + p[3] + "." + p[5]);
          });
        }
        java.util.Set<String> naming = new java.util.TreeSet<>();
        objects.fields().forEachRemaining(e -> {
          if (!e.getKey().startsWith("Документ.") || e.getKey().equals("Документ.СчетНаОплату")) {
            return;
          }
          String document = e.getKey().substring("Документ.".length());
          e.getValue().path("attributes").fields().forEachRemaining(a -> {
            if (names(a) && !a.getKey().equals("ОснованиеПечатиСсылка")) {
              naming.add(document + "." + a.getKey());
            }
          });
          e.getValue().path("tabularSections").fields().forEachRemaining(t -> {
            if (!t.getKey().startsWith("Удалить")) {
              t.getValue().path("columns").fields().forEachRemaining(a -> {
                if (names(a)) {
                  naming.add(document + "." + t.getKey() + "." + a.getKey());
                }
              });
            }
          });
        });
        assertThat(naming).as("attributes naming an invoice in " + release.getFileName()).isNotEmpty()
            .containsAll(NAMING_THE_INVOICE);
        assertThat(looked).as("what the cancel's check looks at, against the attributes naming an invoice in "
            + release.getFileName()).containsAll(naming);
      }
    }
  }

  /**
   * Every attribute or column of a UNF document (but СчетНаОплату itself and Событие, an e-mail or call) typed
   * ДокументСсылка.СчетНаОплату in both 3.0.8.73 (Documents/<Name>.xml) and 3.0.5.199 (src/Documents/<Name>/<Name>.mdo),
   * without ОснованиеПечатиСсылка and Удалить*. ОтчетКомитенту, ОтчетОПереработке and ПередачаТоваровМеждуОрганизациями
   * name an invoice only in ОснованиеПечатиСсылка; ЗакрытиеПланируемыхОплат (ДокументОснование, ЗакрываемыеДокументы.
   * ДокументПлатежногоКалендаря) exists in 3.0.8.73 only. Typed through defined types, not here: ЗадачаСотрудника.
   * Основание (ОснованиеЗадачи), ПлатежнаяСсылкаСБПc2b.ОснованиеПлатежа (ДокументОперацииСБП, 3.0.8.73 only), Удалить*
   * of the ЭДО documents.
   */
  private static final java.util.Set<String> NAMING_THE_INVOICE = java.util.Set.of(
      "АктВыполненныхРабот.ДокументОснование",
      "ВводНачальныхОстатков.РасчетыСПокупателями.СчетНаОплату",
      "Взаимозачет.СчетНаОплату", "Взаимозачет.Дебитор.СчетНаОплату", "Взаимозачет.Кредитор.СчетНаОплату",
      "ЗаказПокупателя.ДокументОснование",
      "ОперацияПоПлатежнымКартам.ДокументОснование", "ОперацияПоПлатежнымКартам.РасшифровкаПлатежа.СчетНаОплату",
      "ПеремещениеЗапасов.ДокументОснование",
      "ПлатежноеПоручение.РасшифровкаПлатежа.СчетНаОплату",
      "ПоступлениеВКассу.ДокументОснование", "ПоступлениеВКассу.РасшифровкаПлатежа.СчетНаОплату",
      "ПоступлениеДСПлан.ДокументОснование",
      "ПоступлениеНаСчет.ДокументОснование", "ПоступлениеНаСчет.РасшифровкаПлатежа.СчетНаОплату",
      "ПоступлениеНаСчет.РасшифровкаПлатежаОтАгента.СчетНаОплату",
      "ПриходнаяНакладная.ДокументОснование",
      "РасходИзКассы.РасшифровкаПлатежа.СчетНаОплату",
      "РасходСоСчета.РасшифровкаПлатежа.СчетНаОплату",
      "РасходнаяНакладная.ДокументОснование",
      "СчетФактура.ДокументыОснования.ДокументОснование");

  private static boolean names(java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> attribute) {
    return !attribute.getKey().startsWith("Удалить")
        && attribute.getValue().toString().contains("\"ДокументСсылка.СчетНаОплату\"");
  }

  @Test
  void aWrittenInvoiceNeedsEveryCheckBeforeItsWriteNotAfter() {
    String after = """
        Процедура Записать(Организация) Экспорт
        	Счет = Документы.СчетНаОплату.СоздатьДокумент();
        	Счет.Записать(РежимЗаписиДокумента.Запись);
        	Если Не Счет.ПроверитьЗаполнение() Тогда
        		Возврат;
        	КонецЕсли;
        КонецПроцедуры
        """;
    assertThat(check("T.bsl", after).stream().map(f -> f.replaceFirst(":.*", "")))
        .containsExactlyInAnyOrder("3", "3", "3", "3", "3");
    assertThat(check("T.bsl", after)).anyMatch(f -> f.startsWith("3: fill-check"))
        .anyMatch(f -> f.startsWith("3: closed-period")).anyMatch(f -> f.startsWith("3: discounts-final"))
        .anyMatch(f -> f.startsWith("3: currency-checked")).anyMatch(f -> f.startsWith("3: contract-organisation"));
  }
}
