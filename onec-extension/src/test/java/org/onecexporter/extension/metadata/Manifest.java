package org.onecexporter.extension.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The facts about one UNF release that the extension relies on, as committed in onec-extension/metadata/*.json.
 *
 * <p>Keys of objects are "Kind.Name" with the Russian kind of the query language (Справочник.Номенклатура,
 * Документ.СчетНаОплату, Перечисление.ВидыСтавокНДС, РегистрСведений.ОсновныеДоговорыКонтрагента,
 * ОбщийМодуль.ОбщегоНазначения, Роль.ДобавлениеИзменениеКонтрагентов). Types are strings in the platform's Russian
 * spelling (СправочникСсылка.СтавкиНДС, Строка(50), Число(15,2), Булево, ДатаВремя); a composite type is a list of
 * several. Every map is sorted and every list but enumValues (the platform order) is sorted, so regenerating from the
 * same dumps gives the same bytes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Manifest(
    String release,
    String source,
    String configurationName,
    String configurationUuid,
    SortedMap<String, MdObject> objects,
    SortedSet<String> missing,
    RunTime runTime) {

  /** Objects listed in objects.txt that the release does not have; empty (and absent from the file) when none. */
  public Manifest {
    missing = missing == null ? new java.util.TreeSet<>() : missing;
    runTime = runTime == null ? new RunTime(null, null, null) : runTime;
  }

  /**
   * What UNF does at run time with the listed objects, as far as its metadata tells: fillChecking names the attributes
   * a user's save requires (FillChecking = ShowError; "Документ.СчетНаОплату" for the header,
   * "Документ.СчетНаОплату.Запасы" for a tabular section's columns); restrictedRights, role by role, the rights on
   * listed objects that carry a record-level restriction (restrictionByCondition: a query without РАЗРЕШЕННЫЕ fails
   * on a hidden row); closedPeriodControl the listed objects that ДатыЗапретаИзмененияПереопределяемый registers for
   * closed-period checks (a write in a closed period is refused).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record RunTime(
      SortedMap<String, SortedSet<String>> fillChecking,
      SortedMap<String, SortedMap<String, SortedSet<String>>> restrictedRights,
      SortedSet<String> closedPeriodControl) {
    public RunTime {
      fillChecking = fillChecking == null ? new java.util.TreeMap<>() : fillChecking;
      restrictedRights = restrictedRights == null ? new java.util.TreeMap<>() : restrictedRights;
      closedPeriodControl = closedPeriodControl == null ? new java.util.TreeSet<>() : closedPeriodControl;
    }
  }

  /** A configuration object: only the sections that apply to its kind are present. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record MdObject(
      String kind,
      String name,
      String uuid,
      SortedMap<String, Object> properties,
      SortedMap<String, List<String>> standardAttributes,
      SortedMap<String, List<String>> dimensions,
      SortedMap<String, List<String>> resources,
      SortedMap<String, List<String>> attributes,
      SortedMap<String, TabularSection> tabularSections,
      List<String> enumValues,
      SortedSet<String> predefined,
      SortedMap<String, Method> managerModule,
      SortedMap<String, Method> objectModule,
      SortedMap<String, Method> module,
      SortedMap<String, SortedSet<String>> rights) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record TabularSection(
      String uuid, SortedMap<String, List<String>> standardAttributes, SortedMap<String, List<String>> columns) {}

  /**
   * An exported method. required counts the parameters without a default value, total all of them; returns is the
   * type list of the doc comment's Returns block (empty for procedures and undocumented functions).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Method(boolean function, int required, int total, List<Parameter> parameters, List<String> returns) {
    public Method {
      parameters = parameters == null ? List.of() : parameters;
      returns = returns == null ? List.of() : returns;
    }
  }

  /** defaultValue is the constant after "=", absent for a required parameter. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Parameter(String name, String defaultValue) {}

  static ObjectMapper mapper() {
    return new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static Manifest read(Path file) throws IOException {
    return mapper().readValue(file.toFile(), Manifest.class);
  }

  public void write(Path file) throws IOException {
    String json = mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
    Files.writeString(file, json.replace("\r\n", "\n") + "\n", StandardCharsets.UTF_8);
  }
}
