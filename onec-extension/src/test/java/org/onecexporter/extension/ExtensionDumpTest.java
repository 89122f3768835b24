package org.onecexporter.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.extension.Dump.child;
import static org.onecexporter.extension.Dump.children;
import static org.onecexporter.extension.Dump.text;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The dump has the layout Designer's "load configuration from files" reads: Configuration.xml lists every object,
 * each object has its file in its type's folder, own objects carry the name prefix, every type and right refers
 * to an object of the extension, and every handler named in the metadata exists in its module.
 */
class ExtensionDumpTest {
  private static final Map<String, String> FOLDERS = Map.of(
      "Language", "Languages", "Role", "Roles", "CommonModule", "CommonModules", "HTTPService", "HTTPServices",
      "Catalog", "Catalogs", "Document", "Documents", "InformationRegister", "InformationRegisters");
  private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
  private static final Pattern CFG_TYPE = Pattern.compile("cfg:([A-Za-z]+?)(?:Ref|RecordManager)\\.([\\p{L}\\d_]+)");

  private static Element configuration;
  private static String prefix;
  /** "Catalog.Номенклатура" → its object element. */
  private static final Map<String, Element> objects = new HashMap<>();

  @BeforeAll
  static void readDump() throws Exception {
    Document doc = Dump.parse(Dump.ROOT.resolve("Configuration.xml"));
    configuration = Dump.object(doc);
    prefix = text(child(configuration, "Properties"), "NamePrefix");
    for (Element entry : children(child(configuration, "ChildObjects"))) {
      String type = entry.getLocalName();
      String name = entry.getTextContent().trim();
      Path file = Dump.ROOT.resolve(FOLDERS.get(type)).resolve(name + ".xml");
      assertThat(file).as(type + "." + name + " listed in Configuration.xml").exists();
      objects.put(type + "." + name, Dump.object(Dump.parse(file)));
    }
  }

  @Test
  void every_xml_file_is_well_formed_and_in_the_dump_format_version() throws Exception {
    List<Path> xml = Dump.files(".xml");
    assertThat(xml).hasSizeGreaterThanOrEqualTo(12);
    for (Path file : xml) {
      Document doc = Dump.parse(file);
      assertThat(doc.getDocumentElement().getAttribute("version")).as(file.toString()).isEqualTo("2.17");
      assertThat(Files.readAllBytes(file)).as(file + " starts with a UTF-8 BOM like Designer's dump")
          .startsWith(0xEF, 0xBB, 0xBF);
    }
  }

  @Test
  void every_element_has_the_properties_designer_writes_in_the_dump_format_in_their_order() throws Exception {
    // The lists come from real public dumps made by Designer (metadata/extension-dump-2.17.json names each file and
    // commit); a property Designer writes that our dump lacks, an extra one, or another order fails here.
    Map<String, List<String>> reference = Dump.reference();
    assertThat(Dump.referenceFormat()).as("the reference is for the dump's format version").isEqualTo("2.17");
    List<String> differences = new ArrayList<>();
    Set<String> kindsSeen = new HashSet<>();
    for (Path file : Dump.files(".xml")) {
      if (file.toString().contains("/Ext/") || file.getFileName().toString().equals("ConfigDumpInfo.xml")) {
        continue;
      }
      for (Map.Entry<String, Element> e : Dump.elementsByKind(Dump.object(Dump.parse(file)))) {
        String kind = e.getKey();
        kindsSeen.add(kind);
        List<String> expected = reference.get(kind);
        List<String> actual = Dump.propertyNames(e.getValue());
        String where = file + " " + kind + " " + text(child(e.getValue(), "Properties"), "Name");
        if (expected == null) {
          differences.add(where + ": no reference list for this kind; add one from a real dump");
        } else if (!expected.equals(actual)) {
          List<String> missing = new ArrayList<>(expected);
          missing.removeAll(actual);
          List<String> extra = new ArrayList<>(actual);
          extra.removeAll(expected);
          differences.add(where + ": missing " + missing + ", extra " + extra
              + (missing.isEmpty() && extra.isEmpty() ? ", order differs: " + actual : ""));
        }
      }
    }
    for (Path rights : Dump.files("Rights.xml")) {
      List<String> head = new ArrayList<>();
      for (Element c : children(Dump.parse(rights).getDocumentElement())) {
        if ("object".equals(c.getLocalName())) {
          break;
        }
        head.add(c.getLocalName());
      }
      if (!head.equals(reference.get("Rights"))) {
        differences.add(rights + ": settings before the objects " + head + ", Designer writes " + reference.get("Rights"));
      }
    }
    assertThat(differences).as("properties that differ from Designer's 2.17 dump").isEmpty();
    assertThat(kindsSeen).as("the test saw every kind the dump has").contains("Configuration",
        "InformationRegister/Dimension", "InformationRegister/Resource", "InformationRegister/Attribute",
        "HTTPService/URLTemplate/Method", "Document(adopted)", "Form");
  }

  @Test
  void register_fields_carry_fill_values_typed_as_designer_writes_them() throws Exception {
    // Designer writes an empty xs:string fill value for a string and xsi:nil for references, booleans, numbers and
    // dates unless someone sets a fill value (metadata/README.md counts them in UNF 3.0.8.73's registers).
    List<String> wrong = new ArrayList<>();
    for (Path file : Dump.files(".xml")) {
      if (!file.startsWith(Dump.ROOT.resolve("InformationRegisters")) || file.toString().contains("/Forms/")) {
        continue;
      }
      for (Map.Entry<String, Element> e : Dump.elementsByKind(Dump.object(Dump.parse(file)))) {
        if (!e.getKey().contains("/")) {
          continue;
        }
        Element props = child(e.getValue(), "Properties");
        String where = file + " " + text(props, "Name");
        List<Element> types = children(child(props, "Type")).stream()
            .filter(t -> "Type".equals(t.getLocalName())).toList();
        Element fill = child(props, "FillValue");
        if (fill == null) {
          wrong.add(where + ": no FillValue");
          continue;
        }
        String xsiType = fill.getAttributeNS(XSI, "type");
        String nil = fill.getAttributeNS(XSI, "nil");
        boolean string = types.size() == 1 && "xs:string".equals(types.get(0).getTextContent().trim());
        if (string ? !("xs:string".equals(xsiType) && fill.getTextContent().isEmpty()) : !"true".equals(nil)) {
          wrong.add(where + ": FillValue type=" + xsiType + " nil=" + nil);
        }
        if (!"false".equals(text(props, "FillFromFillingValue"))) {
          wrong.add(where + ": FillFromFillingValue " + text(props, "FillFromFillingValue"));
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void the_role_that_creates_invoices_may_call_every_method_of_every_url_template() throws Exception {
    // A user without full rights is refused an HTTP service method its roles do not grant Use on.
    Set<String> methods = new HashSet<>();
    for (Map.Entry<String, Element> e : objects.entrySet()) {
      if (!e.getKey().startsWith("HTTPService.")) {
        continue;
      }
      for (Element template : children(child(e.getValue(), "ChildObjects"))) {
        String t = text(child(template, "Properties"), "Name");
        for (Element method : children(child(template, "ChildObjects"))) {
          methods.add(e.getKey() + ".URLTemplate." + t + ".Method." + text(child(method, "Properties"), "Name"));
        }
      }
    }
    assertThat(methods).isNotEmpty();
    Map<String, Set<String>> granted = granted("Магазин_СозданиеСчетовНаОплату");
    for (String method : methods) {
      assertThat(granted.get(method)).as("Use on " + method).isNotNull().contains("Use");
    }
    for (String name : granted.keySet()) {
      if (name.startsWith("HTTPService.")) {
        assertThat(methods).as("the right names a method of the service").contains(name);
      }
    }
  }

  @Test
  void configuration_is_an_add_on_extension_with_a_name_prefix() {
    Element props = child(configuration, "Properties");
    assertThat(configuration.getNamespaceURI()).isEqualTo(Dump.MD);
    assertThat(text(props, "ObjectBelonging")).isEqualTo("Adopted");
    assertThat(text(props, "ConfigurationExtensionPurpose")).isEqualTo("AddOn");
    assertThat(text(props, "KeepMappingToExtendedConfigurationObjectsByIDs"))
        .as("adopted objects are matched by name, so the dump loads into any UNF 3.0 release").isEqualTo("false");
    assertThat(prefix).isEqualTo("Магазин_");
    assertThat(text(props, "DefaultLanguage")).isEqualTo("Language.Русский");
    assertThat(text(props, "InterfaceCompatibilityMode")).as("UNF's own interface mode").isEqualTo("TaxiEnableVersion8_2");
    assertThat(objects).containsKeys("Language.Русский", "HTTPService.Магазин_Счета",
        "InformationRegister.Магазин_СчетаМагазина", "InformationRegister.Магазин_Настройки",
        "Role.Магазин_СозданиеСчетовНаОплату", "CommonModule.Магазин_СчетаНаОплату", "Document.СчетНаОплату");
  }

  @Test
  void objects_match_their_listing_own_ones_carry_the_prefix_and_uuids_are_unique() throws Exception {
    Set<String> uuids = new HashSet<>();
    for (Map.Entry<String, Element> e : objects.entrySet()) {
      Element object = e.getValue();
      Element props = child(object, "Properties");
      assertThat(object.getLocalName() + "." + text(props, "Name")).isEqualTo(e.getKey());
      boolean adopted = "Adopted".equals(text(props, "ObjectBelonging"));
      if (!adopted) {
        assertThat(text(props, "Name")).as(e.getKey() + " is the extension's own").startsWith(prefix);
      }
    }
    for (Path file : Dump.files(".xml")) {
      NodeList all = Dump.parse(file).getElementsByTagNameNS("*", "*");
      for (int i = 0; i < all.getLength(); i++) {
        String uuid = ((Element) all.item(i)).getAttribute("uuid");
        if (!uuid.isEmpty()) {
          assertThat(uuids.add(uuid)).as("uuid " + uuid + " in " + file + " is unique").isTrue();
        }
      }
    }
  }

  @Test
  void every_configuration_type_used_is_adopted_or_own() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Path file : Dump.files(".xml")) {
      Matcher m = CFG_TYPE.matcher(Dump.read(file));
      while (m.find()) {
        String kind = m.group(1);
        if (!objects.containsKey(kind + "." + m.group(2))) {
          missing.add(file + ": " + m.group());
        }
      }
    }
    assertThat(missing).as("types must refer to objects listed in Configuration.xml").isEmpty();
  }

  @Test
  void the_http_service_answers_post_on_the_root_of_invoices_with_a_handler_in_its_module() throws Exception {
    Element service = objects.get("HTTPService.Магазин_Счета");
    Element props = child(service, "Properties");
    assertThat(text(props, "RootURL")).isEqualTo("invoices");
    assertThat(text(props, "ReuseSessions")).isEqualTo("AutoUse");
    Element template = child(child(service, "ChildObjects"), "URLTemplate");
    assertThat(text(child(template, "Properties"), "Template")).isEqualTo("/");
    Element method = child(child(template, "ChildObjects"), "Method");
    assertThat(text(child(method, "Properties"), "HTTPMethod")).isEqualTo("POST");
    String handler = text(child(method, "Properties"), "Handler");
    String module = Dump.read(Dump.ROOT.resolve("HTTPServices/Магазин_Счета/Ext/Module.bsl"));
    assertThat(module).containsPattern("(?m)^Функция " + handler + "\\(Запрос\\)");
    assertThat(module).contains("Магазин_СчетаНаОплату.ОбработатьЗапрос(Запрос)");
    assertThat(Dump.read(Dump.COMMON_MODULE)).containsPattern("(?m)^Функция ОбработатьЗапрос\\(Запрос\\) Экспорт");
  }

  @Test
  void the_http_service_answers_post_on_number_slash_cancel_with_a_handler_that_cancels() throws Exception {
    Element service = objects.get("HTTPService.Магазин_Счета");
    Element cancel = children(child(service, "ChildObjects")).stream()
        .filter(t -> "Отмена".equals(text(child(t, "Properties"), "Name"))).findFirst().orElseThrow();
    assertThat(text(child(cancel, "Properties"), "Template")).isEqualTo("/{НомерСчета}/cancel");
    Element method = child(child(cancel, "ChildObjects"), "Method");
    assertThat(text(child(method, "Properties"), "HTTPMethod")).isEqualTo("POST");
    String handler = text(child(method, "Properties"), "Handler");
    String module = Dump.read(Dump.ROOT.resolve("HTTPServices/Магазин_Счета/Ext/Module.bsl"));
    assertThat(module).containsPattern("(?m)^Функция " + handler + "\\(Запрос\\)")
        .contains("Магазин_СчетаНаОплату.ОбработатьОтмену(Запрос)");
    String common = Dump.read(Dump.COMMON_MODULE);
    assertThat(common).containsPattern("(?m)^Функция ОбработатьОтмену\\(Запрос\\) Экспорт")
        .as("the template's parameter is read by its name").contains("ПараметрыURL.Получить(\"НомерСчета\")")
        .as("the cancellation takes the create method's lock on the number").contains("ЗаблокироватьКлюч(НомерСчета)")
        .as("and marks, never deletes").contains(".УстановитьПометкуУдаления(Истина)").doesNotContain(".Удалить()");
  }

  @Test
  void the_idempotency_register_is_keyed_by_the_shop_invoice_number_the_module_locks() throws Exception {
    Element register = objects.get("InformationRegister.Магазин_СчетаМагазина");
    Element props = child(register, "Properties");
    assertThat(text(props, "InformationRegisterPeriodicity")).isEqualTo("Nonperiodical");
    assertThat(text(props, "WriteMode")).isEqualTo("Independent");
    assertThat(text(props, "DataLockControlMode")).isEqualTo("Managed");
    Map<String, String> fields = fields(register);
    assertThat(fields).containsEntry("НомерСчетаМагазина", "Dimension")
        .containsEntry("ИдентификаторДокумента", "Resource").containsEntry("НомерДокумента", "Resource")
        .containsEntry("СчетНаОплату", "Resource").containsEntry("НомерЗаказа", "Attribute")
        .containsEntry("Отменен", "Attribute").containsEntry("ПричинаОтмены", "Attribute");

    String module = Dump.read(Dump.COMMON_MODULE);
    assertThat(module).contains("Блокировка.Добавить(\"РегистрСведений.Магазин_СчетаМагазина\")")
        .contains("РежимБлокировкиДанных.Исключительный")
        .contains("УстановитьЗначение(\"НомерСчетаМагазина\", Ключ)")
        .contains("ЗаблокироватьКлюч(НомерСчета)")
        .contains("ЗаблокироватьКлюч(КлючТелефона(");
    Matcher used = Pattern.compile("Запись\\.([\\p{L}]+) = ").matcher(module);
    while (used.find()) {
      assertThat(fields).as("register field written by the module").containsKey(used.group(1));
    }
  }

  @Test
  void the_settings_form_shows_every_setting_and_its_handlers_exist() throws Exception {
    Element settings = objects.get("InformationRegister.Магазин_Настройки");
    assertThat(text(child(settings, "Properties"), "DefaultRecordForm"))
        .isEqualTo("InformationRegister.Магазин_Настройки.Form.ФормаЗаписи");
    Path formDir = Dump.ROOT.resolve("InformationRegisters/Магазин_Настройки/Forms");
    assertThat(formDir.resolve("ФормаЗаписи.xml")).exists();
    String form = Dump.read(formDir.resolve("ФормаЗаписи/Ext/Form.xml"));
    String module = Dump.read(formDir.resolve("ФормаЗаписи/Ext/Form/Module.bsl"));
    for (String field : fields(settings).keySet()) {
      assertThat(form).contains("<DataPath>Запись." + field + "</DataPath>");
    }
    Matcher handler = Pattern.compile("<Event name=\"\\w+\">([\\p{L}]+)</Event>").matcher(form);
    int handlers = 0;
    while (handler.find()) {
      handlers++;
      assertThat(module).containsPattern("(?m)^Процедура " + handler.group(1) + "\\(");
    }
    assertThat(handlers).isPositive();
    String service = Dump.read(Dump.COMMON_MODULE);
    assertThat(service).contains("РегистрыСведений.Магазин_Настройки.СоздатьМенеджерЗаписи()");
    for (String field : fields(settings).keySet()) {
      assertThat(service).as("the handler reads setting " + field).contains("ЗаписьНастроек." + field);
    }
  }

  @Test
  void the_roles_grant_only_rights_on_the_extension_s_own_objects() throws Exception {
    // Rights on УНФ's objects come from УНФ's own roles in an access group profile (README): creating a buyer
    // runs УНФ's write handlers, which its roles are maintained to cover.
    assertThat(granted("Магазин_СозданиеСчетовНаОплату")).containsOnly(
        Map.entry("InformationRegister.Магазин_СчетаМагазина", Set.of("Read", "Update")),
        Map.entry("InformationRegister.Магазин_Настройки", Set.of("Read")),
        Map.entry("HTTPService.Магазин_Счета.URLTemplate.Счета.Method.POST", Set.of("Use")),
        Map.entry("HTTPService.Магазин_Счета.URLTemplate.Отмена.Method.POST", Set.of("Use")));
    assertThat(granted("Магазин_ПросмотрСчетовМагазина")).containsOnly(
        Map.entry("InformationRegister.Магазин_СчетаМагазина", Set.of("Read", "View")));
  }

  @Test
  void adopted_objects_name_the_configuration_object_they_extend() {
    Map<String, String> adopted = new HashMap<>();
    for (Map.Entry<String, Element> e : objects.entrySet()) {
      Element props = child(e.getValue(), "Properties");
      if ("Adopted".equals(text(props, "ObjectBelonging"))) {
        String base = text(props, "ExtendedConfigurationObject");
        assertThat(base).as(e.getKey() + " ExtendedConfigurationObject").matches("[0-9a-f-]{36}")
            .isNotEqualTo(e.getValue().getAttribute("uuid"));
        adopted.put(e.getKey(), base);
      } else {
        assertThat(text(props, "Name")).as(e.getKey() + " is the extension's own").startsWith(prefix);
      }
    }
    // УНФ's uuids, the same in 3.0.5.199 and 3.0.8.73 (onec-extension/metadata).
    assertThat(adopted).containsExactlyInAnyOrderEntriesOf(Map.of(
        "Language.Русский", "af1b61ff-d1b9-4053-ad85-8259b6626adc",
        "Catalog.Контрагенты", "d31edcfb-c254-4df6-813c-45d97556c9a4",
        "Catalog.Номенклатура", "bea7f781-5f18-4219-997c-9a767fb284be",
        "Catalog.Организации", "6a3c1b05-ee48-4aa9-b2c1-4b66e3aeab70",
        "Catalog.ВидыЦен", "5ae16e4d-0888-4826-96cf-8cbc3b23e9ab",
        "Document.СчетНаОплату", "2186b103-f68e-4fdc-80a1-6dacced11af6"));
  }

  @Test
  void config_dump_info_lists_every_object_with_its_uuid() throws Exception {
    Element info = Dump.parse(Dump.ROOT.resolve("ConfigDumpInfo.xml")).getDocumentElement();
    assertThat(info.getLocalName()).isEqualTo("ConfigDumpInfo");
    assertThat(info.getAttribute("format")).isEqualTo("Hierarchical");
    assertThat(info.getAttribute("version")).isEqualTo("2.17");
    Map<String, String> listed = new HashMap<>();
    NodeList entries = info.getElementsByTagNameNS("http://v8.1c.ru/8.3/xcf/dumpinfo", "Metadata");
    for (int i = 0; i < entries.getLength(); i++) {
      Element entry = (Element) entries.item(i);
      listed.put(entry.getAttribute("name"), entry.getAttribute("id"));
    }
    assertThat(listed).containsEntry("Configuration." + text(child(configuration, "Properties"), "Name"),
        configuration.getAttribute("uuid"));
    for (Map.Entry<String, Element> e : objects.entrySet()) {
      assertThat(listed).as(e.getKey()).containsEntry(e.getKey(), e.getValue().getAttribute("uuid"));
      // Child objects are listed by their full names, a method under its template (as Designer writes them).
      Element childObjects = child(e.getValue(), "ChildObjects");
      for (Element c : childObjects == null ? List.<Element>of() : children(childObjects)) {
        if (child(c, "Properties") == null) {
          continue;
        }
        String name = e.getKey() + "." + c.getLocalName() + "." + text(child(c, "Properties"), "Name");
        assertThat(listed).as(name).containsEntry(name, c.getAttribute("uuid"));
        Element grand = child(c, "ChildObjects");
        for (Element g : grand == null ? List.<Element>of() : children(grand)) {
          String inner = name + "." + g.getLocalName() + "." + text(child(g, "Properties"), "Name");
          assertThat(listed).as(inner).containsEntry(inner, g.getAttribute("uuid"));
        }
      }
    }
  }

  private static Map<String, Set<String>> granted(String role) throws Exception {
    assertThat(objects).containsKey("Role." + role);
    Element root = Dump.parse(Dump.ROOT.resolve("Roles/" + role + "/Ext/Rights.xml")).getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo("http://v8.1c.ru/8.2/roles");
    Map<String, Set<String>> granted = new HashMap<>();
    for (Element object : children(root)) {
      if (!"object".equals(object.getLocalName())) {
        continue;
      }
      String name = text(object, "name");
      String[] parts = name.split("\\.");
      assertThat(objects).as("right on " + name).containsKey(parts[0] + "." + parts[1]);
      for (Element right : children(object)) {
        if ("right".equals(right.getLocalName()) && "true".equals(text(right, "value"))) {
          granted.computeIfAbsent(name, k -> new HashSet<>()).add(text(right, "name"));
        }
      }
    }
    return granted;
  }

  private static Map<String, String> fields(Element register) {
    Map<String, String> fields = new HashMap<>();
    for (Element f : children(child(register, "ChildObjects"))) {
      Element props = child(f, "Properties");
      if (props != null) {
        fields.put(text(props, "Name"), f.getLocalName());
      }
    }
    return fields;
  }
}
