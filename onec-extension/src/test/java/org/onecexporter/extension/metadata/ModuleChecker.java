package org.onecexporter.extension.metadata;

import com.github._1c_syntax.bsl.parser.BSLParser;
import com.github._1c_syntax.bsl.parser.BSLParser.CallParamContext;
import com.github._1c_syntax.bsl.parser.BSLParser.CodeBlockContext;
import com.github._1c_syntax.bsl.parser.BSLParser.ComplexIdentifierContext;
import com.github._1c_syntax.bsl.parser.BSLParser.DoCallContext;
import com.github._1c_syntax.bsl.parser.BSLParser.ExpressionContext;
import com.github._1c_syntax.bsl.parser.BSLParser.MemberContext;
import com.github._1c_syntax.bsl.parser.BSLParser.ModifierContext;
import com.github._1c_syntax.bsl.parser.BSLParser.StatementContext;
import com.github._1c_syntax.bsl.parser.BSLTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.onecexporter.extension.metadata.Types.Alt;
import org.onecexporter.extension.metadata.Types.Arbitrary;
import org.onecexporter.extension.metadata.Types.Coll;
import org.onecexporter.extension.metadata.Types.Filter;
import org.onecexporter.extension.metadata.Types.LockItem;
import org.onecexporter.extension.metadata.Types.Meta;
import org.onecexporter.extension.metadata.Types.Module;
import org.onecexporter.extension.metadata.Types.Platform;
import org.onecexporter.extension.metadata.Types.Prim;
import org.onecexporter.extension.metadata.Types.Query;
import org.onecexporter.extension.metadata.Types.Root;
import org.onecexporter.extension.metadata.Types.Row;
import org.onecexporter.extension.metadata.Types.Rows;
import org.onecexporter.extension.metadata.Types.Selection;
import org.onecexporter.extension.metadata.Types.Struct;
import org.onecexporter.extension.metadata.Types.Type;
import org.onecexporter.extension.metadata.Types.Unknown;

/**
 * Walks one BSL module with the BSL parser and types every value it can: parameters and function results from the
 * doc comments (refined by what the module's own calls and returns show), variables from their assignments, and
 * members through the metadata. Every member read, written or called on a value is resolved; a member on a value
 * that cannot be typed is a finding too.
 */
final class ModuleChecker {

  /** A value and the source text it came from (for messages). */
  private record Value(Type type, String text) {}

  private static final Map<String, String> ROOTS = Map.of(
      "справочники", "Справочник", "документы", "Документ", "перечисления", "Перечисление",
      "регистрысведений", "РегистрСведений", "планывидовхарактеристик", "ПланВидовХарактеристик");

  /** Global context properties and system enumerations: usable, members not checked. */
  private static final Set<String> GLOBAL_PLATFORM = Set.of("кодировкатекста", "режимблокировкиданных",
      "уровеньжурналарегистрации", "режимокругления", "переносстрокjson", "использованиеbyteordermark",
      "режимзаписидокумента", "режимпроведениядокумента", "статуссообщения", "метаданные", "параметрысеанса",
      "константы", "пользователиинформационнойбазы", "хранилищеобщихнастроек", "видсравнения",
      "направлениесортировки", "формадаты", "допустимыйзнак", "допустимаядлина", "частидаты", "обменданными",
      "режимдиалогавопрос", "кодвозвратадиалога", "видсравнениякомпоновкиданных", "типзначенияjson", "символы",
      "направлениепоиска", "способкодированиястроки");

  /** Global functions: name to the type of their result (doc-comment spelling; "" for procedures). */
  private static final Map<String, String> GLOBAL_FUNCTIONS = globalFunctions();

  private static Map<String, String> globalFunctions() {
    Map<String, String> m = new HashMap<>();
    for (String f : List.of("Строка", "НСтр", "СтрШаблон", "Формат", "СокрЛП", "СокрЛ", "СокрП", "Лев", "Прав",
        "Сред", "ВРег", "НРег", "ТРег", "СтрЗаменить", "СтрСоединить", "ПодробноеПредставлениеОшибки",
        "КраткоеПредставлениеОшибки", "XMLСтрока", "ЗначениеВСтрокуВнутр", "Символ", "СтрПолучитьСтроку",
        "ОписаниеОшибки", "Base64Строка", "ПолучитьСтрокуИзДвоичныхДанных", "ПредставлениеПериода",
        "РаскодироватьСтроку", "КодироватьСтроку")) {
      m.put(f, "Строка");
    }
    for (String f : List.of("Число", "СтрДлина", "СтрНайти", "Окр", "Цел", "Мин", "Макс", "Год", "Месяц", "День",
        "Час", "Минута", "Секунда", "Найти", "СтрЧислоВхождений", "СтрЧислоСтрок", "КодСимвола", "Pow", "Sqrt",
        "ДеньНедели", "ДеньГода", "НеделяГода")) {
      m.put(f, "Число");
    }
    for (String f : List.of("ТекущаяДатаСеанса", "ТекущаяДата", "Дата", "НачалоДня", "КонецДня", "НачалоМесяца",
        "КонецМесяца", "НачалоГода", "КонецГода", "ДобавитьМесяц", "НачалоНедели", "КонецНедели", "УниверсальноеВремя",
        "МестноеВремя")) {
      m.put(f, "Дата");
    }
    for (String f : List.of("ЗначениеЗаполнено", "Булево", "ПустаяСтрока", "ТранзакцияАктивна",
        "ПривилегированныйРежим", "РольДоступна", "ПравоДоступа", "СтрНачинаетсяС", "СтрЗаканчиваетсяНа")) {
      m.put(f, "Булево");
    }
    m.put("ТипЗнч", "Тип");
    m.put("Тип", "Тип");
    m.put("ИнформацияОбОшибке", "ИнформацияОбОшибке");
    m.put("СтрРазделить", "Массив из Строка");
    m.put("ПолучитьСообщенияПользователю", "Массив из СообщениеПользователю");
    m.put("ПрочитатьJSON", "Произвольный");
    m.put("ЗначениеИзСтрокиВнутр", "Произвольный");
    m.put("XMLЗначение", "Произвольный");
    m.put("ПредопределенноеЗначение", "Произвольный");
    m.put("Вычислить", "Произвольный");
    for (String p : List.of("ЗаписатьJSON", "ЗаписьЖурналаРегистрации", "НачатьТранзакцию",
        "ЗафиксироватьТранзакцию", "ОтменитьТранзакцию", "УстановитьПривилегированныйРежим", "Сообщить",
        "ОбновитьПовторноИспользуемыеЗначения", "УстановитьБезопасныйРежим")) {
      m.put(p, "");
    }
    Map<String, String> lower = new HashMap<>();
    m.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return lower;
  }

  /** Members of platform types: "Type.Member" to the result type (doc spelling; "" for none). */
  private static final Map<String, String> PLATFORM_MEMBERS = Map.ofEntries(
      Map.entry("HTTPСервисЗапрос.ПолучитьТелоКакСтроку", "Строка"),
      Map.entry("HTTPСервисЗапрос.ПолучитьТелоКакДвоичныеДанные", "ДвоичныеДанные"),
      Map.entry("HTTPСервисЗапрос.Заголовки", "Соответствие"),
      Map.entry("HTTPСервисЗапрос.ПараметрыURL", "Соответствие"),
      Map.entry("HTTPСервисЗапрос.ПараметрыЗапроса", "Соответствие"),
      Map.entry("HTTPСервисЗапрос.HTTPМетод", "Строка"),
      Map.entry("HTTPСервисЗапрос.БазовыйURL", "Строка"),
      Map.entry("HTTPСервисЗапрос.ОтносительныйURL", "Строка"),
      Map.entry("HTTPСервисОтвет.Заголовки", "Соответствие"),
      Map.entry("HTTPСервисОтвет.КодСостояния", "Число"),
      Map.entry("HTTPСервисОтвет.УстановитьТелоИзСтроки", ""),
      Map.entry("ЗаписьJSON.УстановитьСтроку", ""),
      Map.entry("ЗаписьJSON.Закрыть", "Строка"),
      Map.entry("ЧтениеJSON.УстановитьСтроку", ""),
      Map.entry("ЧтениеJSON.Закрыть", ""),
      Map.entry("БлокировкаДанных.Заблокировать", ""),
      Map.entry("ИнформацияОбОшибке.Описание", "Строка"),
      Map.entry("ИнформацияОбОшибке.Причина", "ИнформацияОбОшибке"),
      Map.entry("ИнформацияОбОшибке.НомерСтроки", "Число"),
      Map.entry("ИнформацияОбОшибке.ИмяМодуля", "Строка"),
      Map.entry("ИнформацияОбОшибке.ИсходнаяСтрока", "Строка"),
      Map.entry("ТаблицаЗначений.Добавить", "СтрокаТаблицыЗначений"),
      Map.entry("ТаблицаЗначений.Количество", "Число"),
      Map.entry("СообщениеПользователю.Поле", "Строка"),
      Map.entry("СообщениеПользователю.Текст", "Строка"),
      Map.entry("Метаданные.НайтиПоТипу", "ОбъектМетаданных"),
      Map.entry("Метаданные.НайтиПоПолномуИмени", "ОбъектМетаданных"),
      Map.entry("ОбъектМетаданных.Имя", "Строка"),
      Map.entry("ОбъектМетаданных.ПолноеИмя", "Строка"));

  /** Methods the platform gives metadata values: "Form.Kind.Method" or "Form.*.Method" to min, max, result. */
  private record Builtin(int min, int max, String result) {}

  private static final Map<String, Builtin> BUILTIN = Map.ofEntries(
      Map.entry("Manager.Справочник.СоздатьЭлемент", new Builtin(0, 0, "Object")),
      Map.entry("Manager.Справочник.СоздатьГруппу", new Builtin(0, 0, "Object")),
      Map.entry("Manager.Справочник.НайтиПоКоду", new Builtin(1, 4, "Ref")),
      Map.entry("Manager.Справочник.НайтиПоНаименованию", new Builtin(1, 4, "Ref")),
      Map.entry("Manager.Справочник.НайтиПоРеквизиту", new Builtin(2, 4, "Ref")),
      Map.entry("Manager.Справочник.ПолучитьИмяПредопределенного", new Builtin(1, 1, "Строка")),
      Map.entry("Manager.Документ.СоздатьДокумент", new Builtin(0, 0, "Object")),
      Map.entry("Manager.Документ.НайтиПоНомеру", new Builtin(1, 2, "Ref")),
      Map.entry("Manager.Документ.НайтиПоРеквизиту", new Builtin(2, 2, "Ref")),
      Map.entry("Manager.*.ПустаяСсылка", new Builtin(0, 0, "Ref")),
      Map.entry("Manager.*.ПолучитьСсылку", new Builtin(0, 1, "Ref")),
      Map.entry("Manager.*.Выбрать", new Builtin(0, 4, "Произвольный")),
      Map.entry("Manager.*.ПолучитьФорму", new Builtin(0, 4, "Произвольный")),
      Map.entry("Manager.*.ПолучитьМакет", new Builtin(1, 1, "Произвольный")),
      Map.entry("Manager.Перечисление.Индекс", new Builtin(1, 1, "Число")),
      Map.entry("Manager.Перечисление.Получить", new Builtin(1, 1, "Ref")),
      Map.entry("Manager.РегистрСведений.СоздатьМенеджерЗаписи", new Builtin(0, 0, "RecordManager")),
      Map.entry("Manager.РегистрСведений.СоздатьНаборЗаписей", new Builtin(0, 0, "RecordSet")),
      Map.entry("Manager.РегистрСведений.Получить", new Builtin(0, 1, "Values")),
      Map.entry("Manager.РегистрСведений.ПолучитьПоследнее", new Builtin(0, 2, "Values")),
      Map.entry("Manager.РегистрСведений.ПолучитьПервое", new Builtin(0, 2, "Values")),
      Map.entry("Manager.РегистрСведений.СрезПоследних", new Builtin(0, 2, "ТаблицаЗначений")),
      Map.entry("Manager.РегистрСведений.СрезПервых", new Builtin(0, 2, "ТаблицаЗначений")),
      Map.entry("Object.*.Записать", new Builtin(0, 2, "")),
      Map.entry("Object.*.Заполнить", new Builtin(1, 1, "")),
      Map.entry("Object.*.Удалить", new Builtin(0, 0, "")),
      Map.entry("Object.*.УстановитьПометкуУдаления", new Builtin(1, 2, "")),
      Map.entry("Object.*.ПроверитьЗаполнение", new Builtin(0, 0, "Булево")),
      Map.entry("Object.*.ЭтоНовый", new Builtin(0, 0, "Булево")),
      Map.entry("Object.*.Модифицированность", new Builtin(0, 0, "Булево")),
      Map.entry("Object.*.УстановитьСсылкуНового", new Builtin(1, 1, "")),
      Map.entry("Object.*.ПолучитьСсылкуНового", new Builtin(0, 0, "Ref")),
      Map.entry("Object.*.Прочитать", new Builtin(0, 0, "")),
      Map.entry("Object.*.Заблокировать", new Builtin(0, 0, "")),
      Map.entry("Object.*.Скопировать", new Builtin(0, 0, "Object")),
      Map.entry("Object.*.Метаданные", new Builtin(0, 0, "ОбъектМетаданных")),
      Map.entry("Object.Справочник.УстановитьНовыйКод", new Builtin(0, 1, "")),
      Map.entry("Object.Документ.УстановитьНовыйНомер", new Builtin(0, 1, "")),
      // A document's mark takes one argument (a catalog's a second: ВключаяПодчиненные).
      Map.entry("Object.Документ.УстановитьПометкуУдаления", new Builtin(1, 1, "")),
      Map.entry("Object.Документ.УстановитьВремя", new Builtin(0, 1, "")),
      Map.entry("Ref.*.ПолучитьОбъект", new Builtin(0, 0, "Object")),
      Map.entry("Ref.*.Пустая", new Builtin(0, 0, "Булево")),
      Map.entry("Ref.*.УникальныйИдентификатор", new Builtin(0, 0, "УникальныйИдентификатор")),
      Map.entry("Ref.*.Метаданные", new Builtin(0, 0, "ОбъектМетаданных")),
      Map.entry("Ref.*.ВерсияДанных", new Builtin(0, 0, "Строка")),
      Map.entry("RecordManager.*.Записать", new Builtin(0, 1, "")),
      Map.entry("RecordManager.*.Прочитать", new Builtin(0, 0, "")),
      Map.entry("RecordManager.*.Удалить", new Builtin(0, 0, "")),
      Map.entry("RecordManager.*.Выбран", new Builtin(0, 0, "Булево")),
      Map.entry("RecordSet.*.Добавить", new Builtin(0, 0, "Record")),
      Map.entry("RecordSet.*.Записать", new Builtin(0, 1, "")),
      Map.entry("RecordSet.*.Прочитать", new Builtin(0, 0, "")),
      Map.entry("RecordSet.*.Количество", new Builtin(0, 0, "Число")),
      Map.entry("RecordSet.*.Очистить", new Builtin(0, 0, "")),
      Map.entry("RecordSet.*.Выгрузить", new Builtin(0, 0, "ТаблицаЗначений")),
      Map.entry("RecordSet.*.Загрузить", new Builtin(1, 1, "")),
      Map.entry("Values.*.Свойство", new Builtin(1, 2, "Булево")),
      Map.entry("Values.*.Количество", new Builtin(0, 0, "Число")));

  private final Resolver r;
  private final String file;
  private final String text;
  private final Map<String, Type> globals;
  private final Set<String> formItems;
  private final Map<String, BslMethods.Declared> declared = new HashMap<>();
  private final Map<String, BSLParser.SubContext> subs = new LinkedHashMap<>();
  private final Map<String, List<Type>> argTypes = new HashMap<>();
  private final Map<String, Type> returnTypes = new HashMap<>();
  private final Map<Integer, Alt> created = new HashMap<>();
  private Map<String, Type> vars = new HashMap<>();
  private List<Type> returns = new ArrayList<>();
  private BSLParser.FileContext ast;

  /**
   * globals are the names a form module sees (its attributes: Запись, Объект); formItems the names of the form's
   * items (Элементы.X), or null outside a form.
   */
  ModuleChecker(Resolver resolver, String file, String text, Map<String, Type> globals, Set<String> formItems) {
    this.r = resolver;
    this.file = file;
    this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    this.globals = globals;
    this.formItems = formItems;
  }

  void check() {
    r.file = file;
    for (BslMethods.Declared d : BslMethods.scan(text)) {
      declared.put(lower(d.name()), d);
    }
    ast = new BSLTokenizer(text).getAst();
    if (ast.subs() != null) {
      for (BSLParser.SubContext sub : ast.subs().sub()) {
        subs.put(lower(subName(sub)), sub);
      }
    }
    // Types flow between the module's methods through calls and returns: a few quiet rounds, then one that reports.
    for (int pass = 0; pass < 5; pass++) {
      r.muted = pass < 4;
      for (BSLParser.SubContext sub : subs.values()) {
        walkSub(sub);
      }
    }
    r.muted = false;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String subName(BSLParser.SubContext sub) {
    return sub.function() != null ? sub.function().funcDeclaration().subName().getText()
        : sub.procedure().procDeclaration().subName().getText();
  }

  private static int line(ParserRuleContext ctx) {
    return ctx.getStart().getLine();
  }

  private void report(int line, String message) {
    r.report(line, message);
  }

  // --- methods ---

  private void walkSub(BSLParser.SubContext sub) {
    String name = lower(subName(sub));
    BslMethods.Declared d = declared.get(name);
    vars = new HashMap<>();
    returns = new ArrayList<>();
    for (int i = 0; d != null && i < d.parameters().size(); i++) {
      vars.put(lower(d.parameters().get(i).name()), parameterType(d, i));
    }
    CodeBlockContext body = sub.function() != null ? sub.function().subCodeBlock().codeBlock()
        : sub.procedure().subCodeBlock().codeBlock();
    block(body);
    returnTypes.put(name, Type.union(returns));
  }

  private Type parameterType(BslMethods.Declared d, int i) {
    String p = d.parameters().get(i).name();
    DocComment.Doc doc = d.doc().parameters().get(lower(p));
    List<Type> inferred = argTypes.get(lower(d.name()));
    Type fromCalls = inferred == null || inferred.size() <= i ? null : inferred.get(i);
    if (doc == null) {
      return fromCalls != null ? fromCalls
          : Types.unknown("parameter " + p + " of " + d.name() + " has no type in its doc comment");
    }
    return refine(r.fromDocNames(doc.types(), doc.fields(), d.line(), true), fromCalls);
  }

  /** A bare Массив/Соответствие/Структура of a doc comment is replaced by what the code shows it holds. */
  private static Type refine(Type declaredType, Type inferred) {
    if (inferred == null) {
      return declaredType;
    }
    List<Type> out = new ArrayList<>();
    for (Alt a : declaredType.alts()) {
      List<Alt> better = new ArrayList<>();
      for (Alt b : inferred.alts()) {
        if (a instanceof Coll c && c.element.isEmpty() && c.keys.isEmpty() && b instanceof Coll x
            && x.name.equals(c.name) && !(x.element.isEmpty() && x.keys.isEmpty())) {
          better.add(b);
        } else if (a instanceof Struct s && s.fields.isEmpty() && !s.closed
            && (b instanceof Struct y && !y.fields.isEmpty() || b instanceof Meta m && m.form().equals("Values"))) {
          better.add(b);
        }
      }
      out.add(better.isEmpty() ? Type.of(a) : Type.of(better.toArray(new Alt[0])));
    }
    return Type.union(out);
  }

  private Value callLocal(BslMethods.Declared d, List<Type> args, int line) {
    if (args.size() > d.parameters().size()) {
      report(line, d.name() + " called with " + args.size() + " arguments, too many (at most "
          + d.parameters().size() + ")");
    } else if (args.size() < d.required()) {
      report(line, d.name() + " called with " + args.size() + " arguments, too few (at least " + d.required() + ")");
    }
    List<Type> seen = argTypes.computeIfAbsent(lower(d.name()), k -> new ArrayList<>());
    for (int i = 0; i < args.size() && i < d.parameters().size(); i++) {
      while (seen.size() <= i) {
        seen.add(Types.NONE);
      }
      seen.set(i, seen.get(i).or(args.get(i)));
    }
    if (!d.function()) {
      return new Value(Types.NONE, d.name() + "()");
    }
    Type inferred = returnTypes.get(lower(d.name()));
    DocComment.Doc doc = d.doc().returns();
    Type t = doc == null
        ? (inferred != null && !inferred.isEmpty() ? inferred
            : Types.unknown("the result of " + d.name() + " has no type: document it under Returns"))
        : refine(r.fromDocNames(doc.types(), doc.fields(), d.line(), false), inferred);
    return new Value(t, d.name() + "()");
  }

  // --- statements ---

  private void block(CodeBlockContext block) {
    if (block == null) {
      return;
    }
    for (StatementContext s : block.statement()) {
      if (s.assignment() != null) {
        assignment(s.assignment());
      } else if (s.callStatement() != null) {
        callStatement(s.callStatement());
      } else if (s.compoundStatement() != null) {
        compound(s.compoundStatement());
      }
    }
  }

  private void compound(BSLParser.CompoundStatementContext c) {
    if (c.ifStatement() != null) {
      BSLParser.IfStatementContext s = c.ifStatement();
      expr(s.ifBranch().expression());
      block(s.ifBranch().codeBlock());
      for (BSLParser.ElsifBranchContext e : s.elsifBranch()) {
        expr(e.expression());
        block(e.codeBlock());
      }
      if (s.elseBranch() != null) {
        block(s.elseBranch().codeBlock());
      }
    } else if (c.whileStatement() != null) {
      expr(c.whileStatement().expression());
      block(c.whileStatement().codeBlock());
    } else if (c.forStatement() != null) {
      c.forStatement().expression().forEach(this::expr);
      vars.put(lower(c.forStatement().IDENTIFIER().getText()), Types.NUMBER);
      block(c.forStatement().codeBlock());
    } else if (c.forEachStatement() != null) {
      BSLParser.ForEachStatementContext f = c.forEachStatement();
      Value coll = new Value(expr(f.expression()), f.expression().getText());
      vars.put(lower(f.IDENTIFIER().getText()), element(coll));
      block(f.codeBlock());
    } else if (c.tryStatement() != null) {
      block(c.tryStatement().tryCodeBlock().codeBlock());
      block(c.tryStatement().exceptCodeBlock().codeBlock());
    } else if (c.returnStatement() != null) {
      if (c.returnStatement().expression() != null) {
        returns.add(expr(c.returnStatement().expression()));
      }
    } else if (c.raiseStatement() != null) {
      expr(c.raiseStatement().expression());
    }
  }

  private void assignment(BSLParser.AssignmentContext a) {
    BSLParser.LValueContext lv = a.lValue();
    BSLParser.AcceptorContext acceptor = lv.acceptor();
    if (acceptor == null && lv.IDENTIFIER() != null) {
      vars.put(lower(lv.IDENTIFIER().getText()), expr(a.expression()));
      return;
    }
    Value target = lv.IDENTIFIER() != null ? identifier(lv.IDENTIFIER()) : globalCall(lv.globalMethodCall());
    target = modifiers(target, acceptor == null ? List.of() : acceptor.modifier());
    if (acceptor != null && acceptor.accessProperty() != null) {
      String name = acceptor.accessProperty().IDENTIFIER().getText();
      int line = line(acceptor);
      boolean query = false;
      for (Alt alt : target.type().alts()) {
        if (alt instanceof Query q && name.equalsIgnoreCase("Текст")) {
          query = true;
          q.columns = queryText(a.expression(), line);
        }
      }
      if (!query) {
        member(target, name, line);
      }
    } else if (acceptor != null && acceptor.accessIndex() != null) {
      index(target, acceptor.accessIndex().expression(), line(acceptor));
    }
    expr(a.expression());
  }

  private void callStatement(BSLParser.CallStatementContext c) {
    if (c.accessCall() == null) {
      globalCall(c.globalMethodCall());
      return;
    }
    Value base = c.IDENTIFIER() != null ? identifier(c.IDENTIFIER()) : globalCall(c.globalMethodCall());
    Value target = modifiers(base, c.modifier());
    call(target, c.accessCall().methodCall().methodName().getText(), c.accessCall().methodCall().doCall(),
        line(c.accessCall()));
  }

  // --- expressions ---

  private Type expr(ExpressionContext e) {
    if (e == null) {
      return Types.UNDEFINED;
    }
    List<Type> members = new ArrayList<>();
    for (MemberContext m : e.member()) {
      members.add(member(m));
    }
    if (e.operation().isEmpty()) {
      return members.get(0);
    }
    for (BSLParser.OperationContext op : e.operation()) {
      if (op.compareOperation() != null || op.boolOperation() != null) {
        return Types.BOOLEAN;
      }
    }
    for (Type t : members) {
      if (has(t, "Строка")) {
        return Types.STRING;
      }
    }
    for (Type t : members) {
      if (has(t, "Дата")) {
        return e.operation().stream().anyMatch(o -> o.MINUS() != null) && members.stream()
            .allMatch(x -> has(x, "Дата")) ? Types.NUMBER : Types.DATE;
      }
    }
    return Types.NUMBER;
  }

  private static boolean has(Type t, String prim) {
    return t.alts().contains(new Prim(prim));
  }

  private Type member(MemberContext m) {
    Type t;
    if (m.constValue() != null) {
      BSLParser.ConstValueContext c = m.constValue();
      t = c.string() != null ? Types.STRING : c.numeric() != null ? Types.NUMBER
          : c.TRUE() != null || c.FALSE() != null ? Types.BOOLEAN : c.DATETIME() != null ? Types.DATE
          : c.NULL() != null ? Type.of(new Prim("Null")) : Types.UNDEFINED;
    } else if (m.complexIdentifier() != null) {
      t = complexIdentifier(m.complexIdentifier()).type();
    } else if (m.expression() != null) {
      t = modifiers(new Value(expr(m.expression()), "(" + m.expression().getText() + ")"), m.modifier()).type();
    } else if (m.IDENTIFIER() != null || m.globalMethodCall() != null) {
      Value base = m.IDENTIFIER() != null ? identifier(m.IDENTIFIER()) : globalCall(m.globalMethodCall());
      t = modifiers(base, m.modifier()).type();
    } else {
      t = Types.arbitrary("an expression the checker does not read");
    }
    if (m.unaryModifier() != null && m.unaryModifier().NOT_KEYWORD() != null) {
      return Types.BOOLEAN;
    }
    return t;
  }

  private Value complexIdentifier(ComplexIdentifierContext c) {
    Value base;
    if (c.IDENTIFIER() != null) {
      base = identifier(c.IDENTIFIER());
    } else if (c.newExpression() != null) {
      base = newExpression(c.newExpression());
    } else if (c.ternaryOperator() != null) {
      List<? extends ExpressionContext> e = c.ternaryOperator().expression();
      expr(e.get(0));
      base = new Value(expr(e.get(1)).or(expr(e.get(2))), c.ternaryOperator().getText());
    } else {
      base = globalCall(c.globalMethodCall());
    }
    return modifiers(base, c.modifier());
  }

  private Value modifiers(Value v, List<? extends ModifierContext> modifiers) {
    Value current = v;
    for (ModifierContext m : modifiers) {
      if (m.accessProperty() != null) {
        String name = m.accessProperty().IDENTIFIER().getText();
        current = new Value(member(current, name, line(m)), current.text() + "." + name);
      } else if (m.accessIndex() != null) {
        current = new Value(index(current, m.accessIndex().expression(), line(m)),
            current.text() + "[" + m.accessIndex().expression().getText() + "]");
      } else {
        BSLParser.MethodCallContext mc = m.accessCall().methodCall();
        current = call(current, mc.methodName().getText(), mc.doCall(), line(m));
      }
    }
    return current;
  }

  private Value identifier(TerminalNode id) {
    String name = id.getText();
    String key = lower(name);
    int line = id.getSymbol().getLine();
    if (vars.containsKey(key)) {
      return new Value(vars.get(key), name);
    }
    if (globals.containsKey(key)) {
      return new Value(globals.get(key), name);
    }
    if (key.equals("элементы") && formItems != null) {
      return new Value(Type.of(new Platform("ЭлементыФормы")), name);
    }
    if (ROOTS.containsKey(key)) {
      return new Value(Type.of(new Root(ROOTS.get(key))), name);
    }
    if (GLOBAL_PLATFORM.contains(key)) {
      return new Value(Type.of(new Platform(name)), name);
    }
    String module = "ОбщийМодуль." + name;
    if (r.index.listed(module)) {
      r.object(module, line);
      return new Value(Type.of(new Module(name)), name);
    }
    return new Value(Types.unknown(name + " is not a variable, a parameter, a global context name or a common "
        + "module in the manifest"), name);
  }

  private List<Type> arguments(DoCallContext call) {
    List<Type> out = new ArrayList<>();
    if (call == null || call.callParamList() == null) {
      return out;
    }
    List<? extends CallParamContext> params = call.callParamList().callParam();
    if (params.size() == 1 && params.get(0).expression() == null) {
      return out;
    }
    for (CallParamContext p : params) {
      out.add(p.expression() == null ? Types.UNDEFINED : expr(p.expression()));
    }
    return out;
  }

  private static List<ExpressionContext> argumentExpressions(DoCallContext call) {
    List<ExpressionContext> out = new ArrayList<>();
    if (call != null && call.callParamList() != null) {
      for (CallParamContext p : call.callParamList().callParam()) {
        out.add(p.expression());
      }
    }
    return out;
  }

  private Value globalCall(BSLParser.GlobalMethodCallContext g) {
    String name = g.methodName().getText();
    int line = line(g);
    List<Type> args = arguments(g.doCall());
    BslMethods.Declared d = declared.get(lower(name));
    if (d != null) {
      return callLocal(d, args, line);
    }
    List<ExpressionContext> argExprs = argumentExpressions(g.doCall());
    if ((lower(name).equals("тип") || lower(name).equals("предопределенноезначение")) && !argExprs.isEmpty()) {
      String literal = literal(argExprs.get(0));
      if (literal != null) {
        metadataName(literal, line, lower(name).equals("тип"));
      }
    }
    String result = GLOBAL_FUNCTIONS.get(lower(name));
    if (result == null) {
      return new Value(Types.arbitrary("the result of " + name + "()"), name + "()");
    }
    return new Value(result.isEmpty() ? Types.NONE : r.fromDocNames(List.of(result), Map.of(), line, false),
        name + "()");
  }

  /** Тип("СправочникСсылка.X") or ПредопределенноеЗначение("Справочник.X.Y"): the object (and item) must exist. */
  private void metadataName(String literal, int line, boolean typeName) {
    String[] parts = literal.split("\\.");
    if (parts.length < 2) {
      return;
    }
    if (typeName) {
      for (Alt a : r.fromDocNames(List.of(literal), Map.of(), line, false).alts()) {
        if (a instanceof Meta m) {
          r.object(m.key(), line);
        }
      }
      return;
    }
    String key = parts[0] + "." + parts[1];
    if (parts.length == 3) {
      predefinedOrValue(parts[0], key, parts[2], line);
    } else {
      r.object(key, line);
    }
  }

  private Type predefinedOrValue(String kind, String key, String item, int line) {
    if (kind.equals("Перечисление")) {
      List<String> v = r.lookup(key, "value", item, line, o -> o.enumValues() == null ? null
          : o.enumValues().stream().filter(item::equalsIgnoreCase).findFirst().orElse(null));
      return v == null ? null : Type.of(new Meta("Ref", kind, key.substring(key.indexOf('.') + 1)));
    }
    if (item.equalsIgnoreCase("ПустаяСсылка")) {
      r.object(key, line);
      return Type.of(new Meta("Ref", kind, key.substring(key.indexOf('.') + 1)));
    }
    List<String> v = r.lookup(key, "predefined item", item, line, o -> o.predefined() == null ? null
        : o.predefined().stream().filter(item::equalsIgnoreCase).findFirst().orElse(null));
    return v == null ? null : Type.of(new Meta("Ref", kind, key.substring(key.indexOf('.') + 1)));
  }

  private Value newExpression(BSLParser.NewExpressionContext n) {
    String type = n.typeName() == null ? "" : n.typeName().getText();
    int at = n.getStart().getStartIndex();
    List<ExpressionContext> argExprs = argumentExpressions(n.doCall());
    List<Type> args = arguments(n.doCall());
    Alt alt = switch (lower(type)) {
      case "массив" -> created.computeIfAbsent(at, k -> new Coll("Массив", Types.NONE, new LinkedHashMap<>()));
      case "соответствие" -> created.computeIfAbsent(at,
          k -> new Coll("Соответствие", Types.NONE, new LinkedHashMap<>()));
      case "структура" -> created.computeIfAbsent(at, k -> new Struct(new LinkedHashMap<>(), false));
      case "запрос" -> created.computeIfAbsent(at, k -> new Query());
      default -> new Platform(type);
    };
    if (alt instanceof Struct s && !argExprs.isEmpty()) {
      String keys = literal(argExprs.get(0));
      if (keys != null) {
        String[] names = keys.split(",");
        for (int i = 0; i < names.length; i++) {
          Type v = i + 1 < args.size() ? args.get(i + 1) : Types.UNDEFINED;
          s.fields.merge(lower(names[i].strip()), v, Type::or);
        }
      }
    }
    if (alt instanceof Query q && !argExprs.isEmpty()) {
      q.columns = queryText(argExprs.get(0), line(n));
    }
    return new Value(Type.of(alt), "Новый " + type);
  }

  /** The value of an expression made of string literals only (joined with +), or null. */
  private String literal(ExpressionContext e) {
    List<String> lines = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    return stringConstant(e, lines, numbers) ? String.join("\n", lines) : null;
  }

  private boolean stringConstant(ExpressionContext e, List<String> lines, List<Integer> numbers) {
    if (e == null) {
      return false;
    }
    for (BSLParser.OperationContext op : e.operation()) {
      if (op.PLUS() == null) {
        return false;
      }
    }
    for (MemberContext m : e.member()) {
      if (m.constValue() == null || m.constValue().string() == null) {
        return false;
      }
      for (Token t : tokens(m.constValue().string())) {
        String s = t.getText().strip();
        if (s.startsWith("|")) {
          s = s.substring(1);
        }
        if (s.startsWith("\"")) {
          s = s.substring(1);
        }
        if (s.endsWith("\"") && !s.endsWith("\"\"") || s.endsWith("\"") && t.getType() != BSLParser.STRINGPART) {
          s = s.substring(0, s.length() - 1);
        }
        lines.add(s.replace("\"\"", "\""));
        numbers.add(t.getLine());
      }
    }
    return true;
  }

  private static List<Token> tokens(ParserRuleContext ctx) {
    List<Token> out = new ArrayList<>();
    for (int i = 0; i < ctx.getChildCount(); i++) {
      if (ctx.getChild(i) instanceof TerminalNode t) {
        if (t.getSymbol().getType() != BSLParser.BAR) {
          out.add(t.getSymbol());
        }
      } else if (ctx.getChild(i) instanceof ParserRuleContext p) {
        out.addAll(tokens(p));
      }
    }
    return out;
  }

  private Map<String, Type> queryText(ExpressionContext e, int line) {
    List<String> lines = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    if (!stringConstant(e, lines, numbers)) {
      report(line, "the query text is not a constant string: the checker cannot read it");
      return null;
    }
    return new QueryText(r, lines, numbers).check();
  }

  // --- members ---

  private Type member(Value v, String name, int line) {
    List<Type> results = new ArrayList<>();
    List<String> untyped = new ArrayList<>();
    boolean resolved = false;
    boolean onlyPrimitives = true;
    for (Alt a : v.type().alts()) {
      if (!(a instanceof Prim)) {
        onlyPrimitives = false;
      }
    }
    for (Alt a : v.type().alts()) {
      Type t = null;
      switch (a) {
        case Root root -> {
          String key = root.kind() + "." + name;
          if (r.object(key, line) != null) {
            t = Type.of(new Meta("Manager", root.kind(), canonicalName(key, name)));
          }
          resolved = true;
        }
        case Meta m when m.form().equals("Manager") -> {
          resolved = true;
          if (m.kind().equals("Перечисление") || m.kind().equals("Справочник")
              || m.kind().equals("ПланВидовХарактеристик")) {
            t = predefinedOrValue(m.kind(), m.key(), name, line);
          } else {
            report(line, Types.managerName(m.kind()) + "." + m.name() + " has no property " + name);
          }
        }
        case Meta m -> {
          resolved = true;
          if (m.form().equals("Object") && name.equalsIgnoreCase("ДополнительныеСвойства")) {
            t = Type.of(created.computeIfAbsent(System.identityHashCode(m) ^ line,
                k -> new Struct(new LinkedHashMap<>(), false)));
          } else if (m.form().equals("Object") && name.equalsIgnoreCase("ОбменДанными")) {
            t = Types.arbitrary("ОбменДанными");
          } else if (m.form().equals("RecordSet") && name.equalsIgnoreCase("Отбор")) {
            t = Type.of(new Filter(m.name()));
          } else if (m.form().equals("RecordSet")) {
            report(line, "РегистрСведенийНаборЗаписей." + m.name() + " has no property " + name);
          } else {
            t = r.field(m, name, line);
          }
        }
        case Row row -> {
          resolved = true;
          t = r.field(row, name, line);
        }
        case Rows rows -> {
          resolved = true;
          report(line, "tabular section " + rows + " has no property " + name);
        }
        case Module mod -> {
          resolved = true;
          report(line, "ОбщийМодуль." + mod.name() + "." + name + " is not a method call");
        }
        case Struct s -> {
          resolved = true;
          t = s.fields.get(lower(name));
          if (t == null && s.closed) {
            report(line, v.text() + " has no field " + name + " (documented fields: "
                + String.join(", ", s.fields.keySet()) + ")");
          } else if (t == null) {
            t = Types.arbitrary("field " + name + " of a Структура the checker cannot follow");
          }
        }
        case Coll c -> {
          resolved = true;
          report(line, c.name + " has no property " + name);
        }
        case Query q -> {
          resolved = true;
          t = name.equalsIgnoreCase("Текст") ? Types.STRING : Types.arbitrary("Запрос." + name);
        }
        case Selection s -> {
          if (s.result()) {
            resolved = true;
            report(line, "РезультатЗапроса has no property " + name + " (select from it first)");
          } else if (s.columns() == null) {
            untyped.add(v.text() + " is a selection of a query the checker could not read");
          } else {
            resolved = true;
            t = Resolver.get(s.columns(), name);
            if (t == null) {
              report(line, "the query selects no column " + name + " (columns: "
                  + String.join(", ", s.columns().keySet()) + ")");
            }
          }
        }
        case Filter f -> {
          resolved = true;
          List<List<String>> d = r.lookup("РегистрСведений." + f.register(), "dimension", name, line,
              o -> Resolver.get(o.dimensions(), name));
          t = d == null ? null : Type.of(new Platform("ЭлементОтбора"));
        }
        case LockItem l -> {
          resolved = true;
          t = Types.arbitrary("ЭлементБлокировкиДанных." + name);
        }
        case Platform p -> {
          resolved = true;
          if (p.name().equals("ЭлементыФормы")) {
            if (!formItems.contains(lower(name))) {
              report(line, "the form has no item " + name);
            }
            t = Type.of(new Platform("ЭлементФормы"));
          } else {
            String result = PLATFORM_MEMBERS.get(p.name() + "." + name);
            t = result == null ? Types.arbitrary(p.name() + "." + name)
                : r.fromDocNames(List.of(result), Map.of(), line, false);
          }
        }
        case Prim p -> {
          if (onlyPrimitives && !p.name().equals("Неопределено") && !p.name().equals("Null")) {
            resolved = true;
            report(line, v.text() + " is " + p.name() + ": it has no property " + name);
          }
        }
        case Unknown x when x.why().equals(Types.REPORTED) -> resolved = true;
        case Arbitrary x -> untyped.add(v.text() + " is Произвольный (" + x.why() + ")");
        case Unknown x -> untyped.add(x.why());
      }
      if (t != null) {
        results.add(t);
      }
    }
    if (!resolved) {
      report(line, "cannot type " + v.text() + "." + name + ": " + (untyped.isEmpty()
          ? v.text() + " is always Неопределено" : String.join("; ", untyped)));
      return Types.reported();
    }
    return results.isEmpty() ? Types.reported() : Type.union(results);
  }

  private String canonicalName(String key, String name) {
    for (Manifest.MdObject o : r.index.object(key).values()) {
      if (o != null) {
        return o.name();
      }
    }
    return name;
  }

  private Type index(Value v, ExpressionContext key, int line) {
    Type keyType = expr(key);
    String literal = literal(key);
    List<Type> results = new ArrayList<>();
    List<String> untyped = new ArrayList<>();
    for (Alt a : v.type().alts()) {
      switch (a) {
        case Coll c -> results.add(c.name.equals("Соответствие") && literal != null && !c.keys.isEmpty()
            ? documentedKey(c, literal, v.text(), line) : elementOrArbitrary(c));
        case Rows rows -> results.add(Type.of(new Row(rows.kind(), rows.name(), rows.section())));
        case Meta m when m.form().equals("RecordSet") -> results.add(Type.of(new Meta("Record", m.kind(), m.name())));
        case Struct s when literal != null -> results.add(member(new Value(Type.of(s), v.text()), literal, line));
        case Platform p -> results.add(Types.arbitrary(p.name() + "[...]"));
        case Unknown x when x.why().equals(Types.REPORTED) -> results.add(Types.reported());
        case Arbitrary x -> untyped.add(v.text() + " is Произвольный (" + x.why() + ")");
        case Unknown x -> untyped.add(x.why());
        default -> { }
      }
    }
    if (results.isEmpty()) {
      report(line, "cannot type " + v.text() + "[...]: " + (untyped.isEmpty() ? v.type() + " cannot be indexed"
          : String.join("; ", untyped)));
      return Types.reported();
    }
    return Type.union(results);
  }

  private Type documentedKey(Coll c, String key, String text, int line) {
    Type t = c.keys.get(lower(key));
    if (t == null) {
      report(line, text + " has no documented key \"" + key + "\" (documented keys: "
          + String.join(", ", c.keys.keySet()) + ")");
      return Types.unknown("an undocumented key");
    }
    return t;
  }

  private static Type elementOrArbitrary(Coll c) {
    return c.element.isEmpty()
        ? Types.arbitrary("an element of a " + c.name + " whose elements are not documented (" + c.name + " из ...)")
        : c.element;
  }

  /** The type of the loop variable of Для Каждого. */
  private Type element(Value coll) {
    List<Type> out = new ArrayList<>();
    for (Alt a : coll.type().alts()) {
      switch (a) {
        case Coll c when c.name.equals("Массив") -> out.add(elementOrArbitrary(c));
        case Coll c -> out.add(Type.of(new Struct(new LinkedHashMap<>(Map.of("ключ", Types.arbitrary("a key"),
            "значение", elementOrArbitrary(c))), true)));
        case Rows rows -> out.add(Type.of(new Row(rows.kind(), rows.name(), rows.section())));
        case Meta m when m.form().equals("RecordSet") -> out.add(Type.of(new Meta("Record", m.kind(), m.name())));
        case Platform p when p.name().equals("ТаблицаЗначений") -> out.add(Type.of(new Platform("СтрокаТаблицыЗначений")));
        case Arbitrary x -> out.add(Types.arbitrary("an element of " + coll.text() + ", which is Произвольный"));
        case Unknown x when x.why().equals(Types.REPORTED) -> out.add(Types.reported());
        case Unknown x -> out.add(Types.unknown("an element of " + coll.text() + ": " + x.why()));
        default -> { }
      }
    }
    return out.isEmpty() ? Types.unknown("an element of " + coll.text() + " (" + coll.type() + ")") : Type.union(out);
  }

  // --- calls ---

  private Value call(Value v, String name, DoCallContext doCall, int line) {
    List<Type> args = arguments(doCall);
    List<ExpressionContext> argExprs = argumentExpressions(doCall);
    String first = argExprs.isEmpty() ? null : literal(argExprs.get(0));
    List<Type> results = new ArrayList<>();
    List<String> untyped = new ArrayList<>();
    boolean resolved = false;
    for (Alt a : v.type().alts()) {
      Type t = null;
      switch (a) {
        case Module mod -> {
          resolved = true;
          String key = "ОбщийМодуль." + mod.name();
          t = r.method(key, "module", name, args.size(), line);
          serverModule(key, line);
        }
        case Meta m -> {
          resolved = true;
          t = metaCall(m, name, args, first, line);
        }
        case Rows rows -> {
          resolved = true;
          t = rowsCall(rows, name, first, line);
        }
        case Coll c -> {
          resolved = true;
          t = collCall(c, name, args, first, v.text(), line);
        }
        case Struct s -> {
          resolved = true;
          switch (lower(name)) {
            case "вставить" -> {
              if (first != null) {
                s.fields.merge(lower(first), args.size() > 1 ? args.get(1) : Types.UNDEFINED, Type::or);
              }
              t = Types.NONE;
            }
            case "свойство" -> t = Types.BOOLEAN;
            case "количество" -> t = Types.NUMBER;
            case "удалить", "очистить" -> t = Types.NONE;
            default -> report(line, "Структура has no method " + name);
          }
        }
        case Query q -> {
          resolved = true;
          t = switch (lower(name)) {
            case "выполнить" -> Type.of(new Selection(true, q.columns));
            case "выполнитьпакет" -> Type.of(new Coll("Массив", Type.of(new Selection(true, null)), Map.of()));
            default -> Types.NONE;
          };
        }
        case Selection s -> {
          resolved = true;
          t = switch (lower(name)) {
            case "выбрать" -> Type.of(new Selection(false, s.columns()));
            case "выгрузить" -> Type.of(new Platform("ТаблицаЗначений"));
            case "пустой", "следующий" -> Types.BOOLEAN;
            case "количество" -> Types.NUMBER;
            default -> Types.arbitrary(s + "." + name + "()");
          };
        }
        case Platform p when p.name().equals("БлокировкаДанных") && lower(name).equals("добавить") -> {
          resolved = true;
          t = Type.of(new LockItem(lockedObject(first, line)));
        }
        case LockItem l -> {
          resolved = true;
          if (lower(name).equals("установитьзначение") && first != null && l.key() != null) {
            Meta target = l.key().startsWith("РегистрСведений.")
                ? new Meta("Record", "РегистрСведений", l.key().substring("РегистрСведений.".length()))
                : new Meta("Ref", l.key().substring(0, l.key().indexOf('.')), l.key().substring(l.key().indexOf('.') + 1));
            r.field(target, first, line);
          }
          t = Types.NONE;
        }
        case Platform p -> {
          resolved = true;
          String result = PLATFORM_MEMBERS.get(p.name() + "." + name);
          t = result == null ? Types.arbitrary("the result of " + p.name() + "." + name + "()")
              : result.isEmpty() ? Types.NONE : r.fromDocNames(List.of(result), Map.of(), line, false);
        }
        case Root root -> {
          resolved = true;
          report(line, root.kind() + ": " + name + " is not a method of the manager collection");
        }
        case Filter f -> {
          resolved = true;
          t = Types.NONE;
        }
        case Row row -> {
          resolved = true;
          report(line, row + " has no method " + name);
        }
        case Prim p -> { }
        case Unknown x when x.why().equals(Types.REPORTED) -> resolved = true;
        case Arbitrary x -> untyped.add(v.text() + " is Произвольный (" + x.why() + ")");
        case Unknown x -> untyped.add(x.why());
      }
      if (t != null) {
        results.add(t);
      }
    }
    String text = v.text() + "." + name + "(" + (first != null && args.size() == 1 && first.length() < 40
        ? "\"" + first + "\"" : args.isEmpty() ? "" : "...") + ")";
    if (!resolved) {
      report(line, "cannot type " + text + ": " + (untyped.isEmpty()
          ? v.text() + " is " + v.type() : String.join("; ", untyped)));
      return new Value(Types.reported(), text);
    }
    return new Value(results.isEmpty() ? Types.reported() : Type.union(results), text);
  }

  private void serverModule(String key, int line) {
    List<String> notServer = new ArrayList<>();
    r.index.object(key).forEach((release, o) -> {
      if (o != null && o.properties() != null && Boolean.FALSE.equals(o.properties().get("Server"))) {
        notServer.add(release);
      }
    });
    if (!notServer.isEmpty()) {
      report(line, key + " is not available on the server (" + String.join(", ", notServer) + ")");
    }
  }

  private String lockedObject(String literal, int line) {
    if (literal == null) {
      return null;
    }
    String[] parts = literal.split("\\.");
    String kind = parts.length == 2 ? Map.of("РегистрСведений", "РегистрСведений", "InformationRegister",
        "РегистрСведений", "Справочник", "Справочник", "Catalog", "Справочник", "Документ", "Документ", "Document",
        "Документ").get(parts[0]) : null;
    if (kind == null) {
      report(line, "cannot read the locked object " + literal);
      return null;
    }
    String key = kind + "." + parts[1];
    return r.object(key, line) == null ? null : key;
  }

  private Type metaCall(Meta m, String name, List<Type> args, String first, int line) {
    Builtin b = BUILTIN.get(m.form() + "." + m.kind() + "." + name);
    if (b == null) {
      b = BUILTIN.get(m.form() + ".*." + name);
    }
    String label = m.toString();
    if (b != null) {
      if (args.size() < b.min() || args.size() > b.max()) {
        report(line, label + "." + name + " called with " + args.size() + " arguments (the platform takes "
            + (b.min() == b.max() ? b.min() : b.min() + ".." + b.max()) + ")");
      }
      if (name.equalsIgnoreCase("НайтиПоРеквизиту") && first != null) {
        r.field(new Meta("Ref", m.kind(), m.name()), first, line);
      }
      return switch (b.result()) {
        case "" -> Types.NONE;
        case "Ref", "Object", "RecordManager", "RecordSet", "Record", "Values" ->
            Type.of(new Meta(b.result(), m.kind(), m.name()));
        default -> r.fromDocNames(List.of(b.result()), Map.of(), line, false);
      };
    }
    String section = switch (m.form()) {
      case "Manager" -> "managerModule";
      case "Object" -> "objectModule";
      default -> null;
    };
    if (section == null) {
      report(line, label + " has no method " + name);
      return null;
    }
    return r.method(m.key(), section, name, args.size(), line);
  }

  private Type rowsCall(Rows rows, String name, String first, int line) {
    Type row = Type.of(new Row(rows.kind(), rows.name(), rows.section()));
    switch (lower(name)) {
      case "добавить", "вставить" -> {
        if (!rows.ofObject()) {
          report(line, "tabular section " + rows + " of a reference is read-only: " + name
              + " needs the object (ПолучитьОбъект)");
        }
        return row;
      }
      case "итог", "выгрузитьколонку" -> {
        if (first != null) {
          r.field(new Row(rows.kind(), rows.name(), rows.section()), first, line);
        }
        return lower(name).equals("итог") ? Types.NUMBER : Type.of(new Coll("Массив", Types.NONE, Map.of()));
      }
      case "количество", "индекс" -> {
        return Types.NUMBER;
      }
      case "найти" -> {
        return row.or(Types.UNDEFINED);
      }
      case "найтистроки" -> {
        return Type.of(new Coll("Массив", row, Map.of()));
      }
      case "выгрузить" -> {
        return Type.of(new Platform("ТаблицаЗначений"));
      }
      case "очистить", "удалить", "загрузить", "сортировать", "свернуть", "сдвинуть" -> {
        return Types.NONE;
      }
      default -> {
        report(line, "tabular section " + rows + " has no method " + name);
        return null;
      }
    }
  }

  private Type collCall(Coll c, String name, List<Type> args, String first, String text, int line) {
    boolean map = c.name.equals("Соответствие");
    switch (lower(name)) {
      case "добавить" -> {
        if (map) {
          break;
        }
        c.element = c.element.or(args.isEmpty() ? Types.UNDEFINED : args.get(0));
        return Types.NONE;
      }
      case "вставить" -> {
        Type value = args.size() > 1 ? args.get(1) : Types.UNDEFINED;
        if (map && first != null && !c.keys.isEmpty()) {
          c.keys.merge(lower(first), value, Type::or);
        } else {
          c.element = c.element.or(value);
        }
        return Types.NONE;
      }
      case "получить" -> {
        return map && first != null && !c.keys.isEmpty() ? documentedKey(c, first, text, line) : elementOrArbitrary(c);
      }
      case "количество", "вграница", "найти" -> {
        return Types.NUMBER;
      }
      case "удалить", "очистить", "установить" -> {
        return Types.NONE;
      }
      default -> { }
    }
    report(line, c.name + " has no method " + name);
    return null;
  }
}
