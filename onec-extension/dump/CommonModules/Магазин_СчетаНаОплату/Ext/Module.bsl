// Creates «Счёт на оплату» (Документ.СчетНаОплату) from a paid shop order, exactly once per shop invoice number,
// and cancels it (marks it for deletion) when the shop refunds or cancels the order, exactly once too.
//
// The request and every answer are the contract in onec-extension/contract (the Java emulator is tested against
// the same files). Validation messages use the contract's field paths (customer.phone, items[0].total, ...) and
// never repeat a value that may be personal data (name, phone, address) or the caller's identifiers: the
// exporter keeps these messages in its logs and dead-letter queue.
//
// Every metadata name used here is checked against the public dumps of УНФ 3.0.5.199 and 3.0.8.73
// (onec-extension/metadata); parameters carry their types in the comments so that the check can follow them.
//
// Answers, one per line as "Answer <HTTP status>: <JSON body>":
// Answer 201: {"status":"created","existing":false,"invoice_number":"INV-2026-001","document_id":"<uuid>","number":"<1C number>"}
// Answer 200: {"status":"exists","existing":true,"invoice_number":"INV-2026-001","document_id":"<uuid>","number":"<1C number>"}
// Answer 400: {"status":"error","errors":["customer.name is required","items[0].total 449.69 != quantity x price 449.70"]}
// Answer 403: {"status":"access_denied","errors":["rights: the service's user may not add Документ.СчетНаОплату"]}
// Answer 413: {"status":"error","errors":["body is larger than 262144 bytes"]}
// Answer 409: {"status":"cancelled","errors":["invoice_number: the shop cancelled this number before 1C made an invoice for it; none will be made"]}
// Answer 422: {"status":"period_closed","errors":["date: the invoice date 2026-01-15 lies in a period closed for changes in 1C"]}
// Answer 503: {"status":"not_configured","errors":["settings: the delivery item is not set"]}
// Answer 500: {"status":"error","error_id":"<uuid>","errors":["internal error in 1C, see the event log"]}
//
// The cancel method (POST /hs/invoices/{invoice_number}/cancel), one line per answer as
// "Cancel answer <HTTP status>: <JSON body>":
// Cancel answer 200: {"status":"cancelled","already_cancelled":false,"invoice_number":"INV-2026-001","document_id":"<uuid>","number":"<1C number>","cancelled_at":"2026-02-20T10:15:00Z"}
// Cancel answer 200: {"status":"already_cancelled","already_cancelled":true,"invoice_number":"INV-2026-001","document_id":"<uuid>","number":"<1C number>","cancelled_at":"2026-02-20T10:15:00Z"}
// Cancel answer 400: {"status":"error","errors":["reason: must be a string of at most 200 characters"]}
// Cancel answer 403: {"status":"access_denied","errors":["rights: the service's 1C user lacks «Изменение» on Документ.СчетНаОплату"]}
// Cancel answer 404: {"status":"not_found","errors":["invoice_number: 1C has no invoice made by this service for this number; nothing to cancel"]}
// Cancel answer 409: {"status":"has_based_documents","errors":["documents: 1 document(s) in 1C are based on this invoice (ПоступлениеНаСчет 0000-000012 of 2026-02-14) ..."],"documents":[{"type":"ПоступлениеНаСчет","number":"0000-000012","date":"2026-02-14"}]}
// Cancel answer 413: {"status":"error","errors":["body is larger than 262144 bytes"]}
// Cancel answer 422: {"status":"period_closed","errors":["date: the invoice date 2026-01-15 lies in a period closed for changes in 1C"]}
// Cancel answer 500: {"status":"error","error_id":"<uuid>","errors":["internal error in 1C, see the event log"]}

#Область ПрограммныйИнтерфейс

// Handles POST /hs/invoices. Never raises: every outcome, an unexpected exception included, is a JSON answer,
// so the caller never sees the platform's HTML error page.
//
// Parameters:
//   Запрос - HTTPСервисЗапрос - the request of the HTTP service.
//
// Returns:
//   HTTPСервисОтвет - 201, 200, 400, 403, 413, 422, 503 or 500 with a JSON body.
//
Функция ОбработатьЗапрос(Запрос) Экспорт

	Попытка
		Тело = Запрос.ПолучитьТелоКакДвоичныеДанные();
		Если Тело <> Неопределено И Тело.Размер() > НаибольшийРазмерТела() Тогда
			Возврат ОтветОшибка(413, ОдинЭлемент("body is larger than "
				+ Формат(НаибольшийРазмерТела(), "ЧГ=0") + " bytes"));
		КонецЕсли;

		Данные = ПрочитатьТелоЗапроса(Запрос);
		Если Данные = Неопределено Тогда
			Возврат ОтветОшибка(400, ОдинЭлемент("body must be a JSON object"));
		КонецЕсли;

		Настройки = ПрочитатьНастройки();
		Ошибки = ПроверитьДанные(Данные, Настройки.РазрешитьТестовыеСчета);
		Если Ошибки.Количество() > 0 Тогда
			Возврат ОтветОшибка(400, Ошибки);
		КонецЕсли;

		Возврат СоздатьСчетОдинРаз(Данные, Настройки);
	Исключение
		Возврат ОтветВнутренняяОшибка(ИнформацияОбОшибке());
	КонецПопытки;

КонецФункции

// Handles POST /hs/invoices/{invoice_number}/cancel: marks the invoice this service made for the number for
// deletion, once. Never raises, like ОбработатьЗапрос.
//
// Parameters:
//   Запрос - HTTPСервисЗапрос - the request of the HTTP service.
//
// Returns:
//   HTTPСервисОтвет - 200, 400, 403, 404, 409, 413, 422 or 500 with a JSON body.
//
Функция ОбработатьОтмену(Запрос) Экспорт

	Попытка
		Тело = Запрос.ПолучитьТелоКакДвоичныеДанные();
		Если Тело <> Неопределено И Тело.Размер() > НаибольшийРазмерТела() Тогда
			Возврат ОтветОшибка(413, ОдинЭлемент("body is larger than "
				+ Формат(НаибольшийРазмерТела(), "ЧГ=0") + " bytes"));
		КонецЕсли;

		Ошибки = Новый Массив;
		НомерСчета = НомерСчетаИзАдреса(Запрос.ПараметрыURL.Получить("НомерСчета"));
		Настройки = ПрочитатьНастройки();
		ЭтоТестовый = ЭтоТестовыйНомер(НомерСчета);
		Если ЭтоТестовый И Не Настройки.РазрешитьТестовыеСчета Тогда
			Ошибки.Добавить("invoice_number: TEST- numbers are accepted only when the setting "
				+ "«Разрешить тестовые счета» is on (a copy of the base, never the working one)");
		ИначеЕсли Не ЭтоТестовый И Не ЭтоНомерСчетаМагазина(НомерСчета) Тогда
			Ошибки.Добавить("invoice_number: the path must carry an invoice number like INV-2026-001 (at most 50"
				+ " characters), URL-encoded");
		КонецЕсли;
		Причина = ПричинаОтмены(Запрос, Ошибки);
		Если Ошибки.Количество() > 0 Тогда
			Возврат ОтветОшибка(400, Ошибки);
		КонецЕсли;

		Возврат ОтменитьСчетОдинРаз(НомерСчета, Причина);
	Исключение
		Возврат ОтветВнутренняяОшибка(ИнформацияОбОшибке());
	КонецПопытки;

КонецФункции

// Checks the request against the contract without touching the infobase.
//
// Parameters:
//   Данные - Соответствие - the request body read by ПрочитатьJSON.
//   РазрешитьТестовыеСчета - Булево - TEST- numbers are accepted (the setting of a copy of the base).
//
// Returns:
//   Массив из Строка - problems, empty when the request is valid.
//
Функция ПроверитьДанные(Данные, РазрешитьТестовыеСчета) Экспорт

	Ошибки = Новый Массив;

	НомерСчета = Данные.Получить("invoice_number");
	ЭтоТестовый = ЭтоТестовыйНомер(НомерСчета);
	НомерВерный = ЭтоНомерСчетаМагазина(НомерСчета);
	Если ЭтоТестовый И Не РазрешитьТестовыеСчета Тогда
		Ошибки.Добавить("invoice_number: TEST- numbers are accepted only when the setting "
			+ "«Разрешить тестовые счета» is on (a copy of the base, never the working one)");
	ИначеЕсли Не ЭтоТестовый И Не НомерВерный Тогда
		Ошибки.Добавить("invoice_number must look like INV-2026-001 (at most 50 characters)");
	КонецЕсли;

	ПроверитьНомерЗаказа(Данные.Получить("order_id"), Ошибки);

	ДатаСчета = ДатаИзСтроки(Данные.Получить("date"));
	Если ДатаСчета = Неопределено Тогда
		Ошибки.Добавить("date must be a valid date YYYY-MM-DD");
	ИначеЕсли ДатаСчета < Дата(2000, 1, 1) Или ДатаСчета > КонецДня(ТекущаяДатаСеанса()) + 86400 Тогда
		Ошибки.Добавить("date must be between 2000-01-01 and tomorrow");
	ИначеЕсли НомерВерный И Сред(НомерСчета, 5, 4) <> Формат(Год(ДатаСчета), "ЧГ=0") Тогда
		Ошибки.Добавить("invoice_number year differs from the date's year");
	КонецЕсли;

	ПроверитьПокупателя(Данные.Получить("customer"), Ошибки);
	СуммаСтрок = ПроверитьСтроки(Данные.Получить("items"), Ошибки);

	Доставка = ЧислоПоля(Данные, "delivery_cost", "invoice", Ошибки);
	Если Доставка <> Неопределено И Не ЭтоСумма(Доставка) Тогда
		Ошибки.Добавить("delivery_cost must be from 0 to " + ЧислоJSON(НаибольшаяСумма()) + " with at most 2 decimals");
	КонецЕсли;

	// The grand total is compared only when everything else is valid: other errors already explain a mismatch.
	Итого = ЧислоПоля(Данные, "total", "invoice", Ошибки);
	Если Ошибки.Количество() = 0 И Не ЭтоСумма(Итого) Тогда
		Ошибки.Добавить("total must be from 0 to " + ЧислоJSON(НаибольшаяСумма()) + " with at most 2 decimals");
	ИначеЕсли Ошибки.Количество() = 0 И СуммаСтрок + Доставка <> Итого Тогда
		Ошибки.Добавить("total " + ЧислоJSON(Итого) + " != items + delivery " + ЧислоJSON(СуммаСтрок + Доставка));
	КонецЕсли;

	Возврат Ошибки;

КонецФункции

#КонецОбласти

#Область СлужебныеПроцедурыИФункции

#Область Пределы

// The limits below are the contract's (onec-extension/contract/README.md); the emulator holds the same ones.
// Without them a huge request would overflow the document's Число(15,2) columns inside the platform: a 500,
// which the exporter retries for ever, instead of a 400 that names the field.

Функция НаибольшийРазмерТела()

	Возврат 262144;

КонецФункции

Функция НаибольшееЧислоСтрок()

	Возврат 500;

КонецФункции

Функция НаибольшееКоличество()

	Возврат 1000000;

КонецФункции

Функция НаибольшаяЦена()

	Возврат 1000000000;

КонецФункции

Функция НаибольшаяСумма()

	Возврат 10000000000;

КонецФункции

Функция НаибольшаяДлинаПричины()

	Возврат 200;

КонецФункции

#КонецОбласти

#Область Чтение

// Parameters:
//   Запрос - HTTPСервисЗапрос - the request of the HTTP service.
//
// Returns:
//   Соответствие, Неопределено - the body, or Неопределено when it is not a JSON object.
//
Функция ПрочитатьТелоЗапроса(Запрос)

	Текст = Запрос.ПолучитьТелоКакСтроку(КодировкаТекста.UTF8);
	Если Не ЗначениеЗаполнено(Текст) Тогда
		Возврат Неопределено;
	КонецЕсли;

	Чтение = Новый ЧтениеJSON;
	Чтение.УстановитьСтроку(Текст);
	Попытка
		Данные = ПрочитатьJSON(Чтение, Истина);
	Исключение
		// Malformed JSON (or a number 1C cannot hold) is the client's problem: answer 400, not 500.
		Чтение.Закрыть();
		Возврат Неопределено;
	КонецПопытки;
	Чтение.Закрыть();

	Если ТипЗнч(Данные) <> Тип("Соответствие") Тогда
		Возврат Неопределено;
	КонецЕсли;
	Возврат Данные;

КонецФункции

// Reads the single settings record. Missing settings are not the request's fault: they are reported by
// СоздатьСчетОдинРаз as "not configured" (503), which the exporter waits out without spending the order's
// attempts.
//
// Returns:
//   Структура - Организация, ВидЦен, НоменклатураДоставки, РазрешитьТестовыеСчета.
//
Функция ПрочитатьНастройки()

	ЗаписьНастроек = РегистрыСведений.Магазин_Настройки.СоздатьМенеджерЗаписи();
	ЗаписьНастроек.Прочитать();

	Настройки = Новый Структура;
	Настройки.Вставить("Организация", ЗаписьНастроек.Организация);
	Настройки.Вставить("ВидЦен", ЗаписьНастроек.ВидЦен);
	Настройки.Вставить("НоменклатураДоставки", ЗаписьНастроек.НоменклатураДоставки);
	Настройки.Вставить("РазрешитьТестовыеСчета", ЗаписьНастроек.РазрешитьТестовыеСчета = Истина);
	Возврат Настройки;

КонецФункции

#КонецОбласти

#Область Проверка

// Parameters:
//   НомерЗаказа - Строка, Число, Неопределено - "order_id" of the request: optional.
//   Ошибки - Массив из Строка - problems found are added here.
//
Процедура ПроверитьНомерЗаказа(НомерЗаказа, Ошибки)

	Если НомерЗаказа = Неопределено Тогда
		Возврат;
	КонецЕсли;
	Если ТипЗнч(НомерЗаказа) = Тип("Число") Тогда
		Если НомерЗаказа < 0 Или Цел(НомерЗаказа) <> НомерЗаказа Или НомерЗаказа >= 1000000000000000000 Тогда
			Ошибки.Добавить("order_id must be a string of at most 50 characters or a whole number");
		КонецЕсли;
	ИначеЕсли Не ЭтоНепустаяСтрока(НомерЗаказа) Или СтрДлина(НомерЗаказа) > 50 Тогда
		Ошибки.Добавить("order_id must be a string of at most 50 characters or a whole number");
	КонецЕсли;

КонецПроцедуры

// Parameters:
//   Покупатель - Соответствие, Произвольный - "customer" of the request.
//   Ошибки - Массив из Строка - problems found are added here.
//
Процедура ПроверитьПокупателя(Покупатель, Ошибки)

	Если ТипЗнч(Покупатель) <> Тип("Соответствие") Тогда
		Ошибки.Добавить("customer must be an object");
		Возврат;
	КонецЕсли;

	Имя = Покупатель.Получить("name");
	Если Не ЭтоНепустаяСтрока(Имя) Тогда
		Ошибки.Добавить("customer.name is required");
	ИначеЕсли СтрДлина(Имя) > 200 Тогда
		Ошибки.Добавить("customer.name must be at most 200 characters");
	КонецЕсли;

	Если Не ЭтоМеждународныйНомер(Покупатель.Получить("phone")) Тогда
		Ошибки.Добавить("customer.phone must be E.164 such as +79991234567");
	КонецЕсли;

	Адрес = Покупатель.Получить("address");
	Если Адрес <> Неопределено И ТипЗнч(Адрес) <> Тип("Строка") Тогда
		Ошибки.Добавить("customer.address must be a string");
	ИначеЕсли Адрес <> Неопределено И СтрДлина(Адрес) > 500 Тогда
		Ошибки.Добавить("customer.address must be at most 500 characters");
	КонецЕсли;

КонецПроцедуры

// Checks the items and returns the sum of the line totals that could be read (the grand total is compared
// with it).
//
// Parameters:
//   Строки - Массив из Соответствие, Произвольный - "items" of the request.
//   Ошибки - Массив из Строка - problems found are added here.
//
// Returns:
//   Число - the sum of the readable line totals.
//
Функция ПроверитьСтроки(Строки, Ошибки)

	Сумма = 0;
	Если ТипЗнч(Строки) <> Тип("Массив") Или Строки.Количество() = 0 Тогда
		Ошибки.Добавить("items must be a non-empty array");
		Возврат Сумма;
	КонецЕсли;
	Если Строки.Количество() > НаибольшееЧислоСтрок() Тогда
		Ошибки.Добавить("items must have at most " + Формат(НаибольшееЧислоСтрок(), "ЧГ=0") + " lines");
		Возврат Сумма;
	КонецЕсли;

	Для Индекс = 0 По Строки.ВГраница() Цикл
		Сумма = Сумма + ПроверитьСтроку(Строки[Индекс], ПутьСтроки(Индекс), Ошибки);
	КонецЦикла;

	Возврат Сумма;

КонецФункции

// Checks one item.
//
// Parameters:
//   Позиция - Соответствие, Произвольный - one element of "items".
//   Путь - Строка - its path in messages, such as items[0].
//   Ошибки - Массив из Строка - problems found are added here.
//
// Returns:
//   Число - the line total, or 0 when it cannot be read.
//
Функция ПроверитьСтроку(Позиция, Путь, Ошибки)

	Если ТипЗнч(Позиция) <> Тип("Соответствие") Тогда
		Ошибки.Добавить(Путь + " must be an object");
		Возврат 0;
	КонецЕсли;

	Артикул = Позиция.Получить("articul");
	Если Не ЭтоНепустаяСтрока(Артикул) Тогда
		Ошибки.Добавить(Путь + ".articul is required");
	ИначеЕсли СтрДлина(Артикул) > 50 Тогда
		Ошибки.Добавить(Путь + ".articul must be at most 50 characters");
	КонецЕсли;
	Наименование = Позиция.Получить("name");
	Если Не ЭтоНепустаяСтрока(Наименование) Тогда
		Ошибки.Добавить(Путь + ".name is required");
	ИначеЕсли СтрДлина(Наименование) > 500 Тогда
		Ошибки.Добавить(Путь + ".name must be at most 500 characters");
	КонецЕсли;

	Количество = ЧислоПоля(Позиция, "quantity", Путь, Ошибки);
	Цена = ЧислоПоля(Позиция, "price", Путь, Ошибки);
	ВсегоПоСтроке = ЧислоПоля(Позиция, "total", Путь, Ошибки);

	КоличествоВерно = Количество <> Неопределено И ЭтоКоличество(Количество);
	Если Количество <> Неопределено И Не КоличествоВерно Тогда
		Ошибки.Добавить(Путь + ".quantity must be above 0 and at most " + ЧислоJSON(НаибольшееКоличество())
			+ " with at most 3 decimals");
	КонецЕсли;
	ЦенаВерна = Цена <> Неопределено И ЭтоЦена(Цена);
	Если Цена <> Неопределено И Не ЦенаВерна Тогда
		Ошибки.Добавить(Путь + ".price must be above 0 and at most " + ЧислоJSON(НаибольшаяЦена())
			+ " with at most 2 decimals (УНФ requires a price on every line)");
	КонецЕсли;
	Если Не КоличествоВерно Или Не ЦенаВерна Или ВсегоПоСтроке = Неопределено Тогда
		Возврат 0;
	КонецЕсли;

	Ожидается = Окр(Количество * Цена, 2, РежимОкругления.Окр15как20);
	Если Ожидается <> ВсегоПоСтроке Тогда
		Текст = Путь + ".total " + ЧислоJSON(ВсегоПоСтроке) + " != quantity x price " + ЧислоJSON(Ожидается);
		Ошибки.Добавить(Текст);
		Возврат 0;
	КонецЕсли;
	Если Не ЭтоСумма(ВсегоПоСтроке) Тогда
		Ошибки.Добавить(Путь + ".total must be at most " + ЧислоJSON(НаибольшаяСумма()));
		Возврат 0;
	КонецЕсли;
	Возврат ВсегоПоСтроке;

КонецФункции

// Parameters:
//   Количество - Число - a quantity from the request.
//
// Returns:
//   Булево - above 0, within the limit, at most 3 decimals (Количество is Число(15,3) in the document).
//
Функция ЭтоКоличество(Количество)

	Возврат Количество > 0 И Количество <= НаибольшееКоличество() И Окр(Количество, 3) = Количество;

КонецФункции

// Parameters:
//   Цена - Число - a price from the request.
//
// Returns:
//   Булево - above 0 (Запасы.Цена is required by УНФ's filling check), within the limit, kopecks at most.
//
Функция ЭтоЦена(Цена)

	Возврат Цена > 0 И Цена <= НаибольшаяЦена() И Окр(Цена, 2) = Цена;

КонецФункции

// Parameters:
//   Сумма - Число - an amount from the request.
//
// Returns:
//   Булево - not negative, within the limit, kopecks at most.
//
Функция ЭтоСумма(Сумма)

	Возврат Сумма >= 0 И Сумма <= НаибольшаяСумма() И Окр(Сумма, 2) = Сумма;

КонецФункции

// Parameters:
//   Объект - Соответствие - the request or one of its items.
//   Поле - Строка - the field's name.
//   Путь - Строка - the object's path in messages ("invoice", "items[0]").
//   Ошибки - Массив из Строка - an error is added when the field is not a JSON number.
//
// Returns:
//   Число, Неопределено - the value, or Неопределено when it is not a number.
//
Функция ЧислоПоля(Объект, Поле, Путь, Ошибки)

	Значение = Объект.Получить(Поле);
	Если ТипЗнч(Значение) <> Тип("Число") Тогда
		// "245 168,00" is the classic: 1C's own Строка(Число) output sent back as text.
		Ошибки.Добавить(Путь + "." + Поле + " must be a JSON number, got " + ТипJSON(Значение));
		Возврат Неопределено;
	КонецЕсли;
	Возврат Значение;

КонецФункции

// Parameters:
//   Значение - Строка, Произвольный - "invoice_number" of the request.
//
// Returns:
//   Булево - INV-<4 digits>-<at least 3 digits>, at most 50 characters (the register's key length: a longer
//   number would be cut and no longer match itself).
//
Функция ЭтоНомерСчетаМагазина(Значение)

	Если ТипЗнч(Значение) <> Тип("Строка") Или СтрДлина(Значение) < 12 Или СтрДлина(Значение) > 50 Тогда
		Возврат Ложь;
	КонецЕсли;
	Возврат Лев(Значение, 4) = "INV-"
		И ТолькоЦифры(Сред(Значение, 5, 4))
		И Сред(Значение, 9, 1) = "-"
		И ТолькоЦифры(Сред(Значение, 10));

КонецФункции

// Parameters:
//   Значение - Строка, Произвольный - "invoice_number" of the request.
//
// Returns:
//   Булево - TEST-<letters, digits, dashes>, at most 50 characters: a number the shop never issues, for checks
//   on a copy of the base.
//
Функция ЭтоТестовыйНомер(Значение)

	Если ТипЗнч(Значение) <> Тип("Строка") Или СтрДлина(Значение) < 6 Или СтрДлина(Значение) > 50 Тогда
		Возврат Ложь;
	КонецЕсли;
	Если Лев(Значение, 5) <> "TEST-" Тогда
		Возврат Ложь;
	КонецЕсли;
	Допустимые = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
	Для Позиция = 6 По СтрДлина(Значение) Цикл
		Если СтрНайти(Допустимые, Сред(Значение, Позиция, 1)) = 0 Тогда
			Возврат Ложь;
		КонецЕсли;
	КонецЦикла;
	Возврат Истина;

КонецФункции

// Parameters:
//   Значение - Строка, Произвольный - "customer.phone" of the request.
//
// Returns:
//   Булево - E.164: "+" and 7 to 15 digits, the first not 0.
//
Функция ЭтоМеждународныйНомер(Значение)

	Если ТипЗнч(Значение) <> Тип("Строка") Тогда
		Возврат Ложь;
	КонецЕсли;
	Цифры = Сред(Значение, 2);
	Возврат Лев(Значение, 1) = "+"
		И СтрДлина(Цифры) >= 7
		И СтрДлина(Цифры) <= 15
		И ТолькоЦифры(Цифры)
		И Лев(Цифры, 1) <> "0";

КонецФункции

// Parameters:
//   Значение - Строка, Произвольный - "date" of the request.
//
// Returns:
//   Дата, Неопределено - the date of a valid YYYY-MM-DD, otherwise Неопределено.
//
Функция ДатаИзСтроки(Значение)

	Если ТипЗнч(Значение) <> Тип("Строка") Или СтрДлина(Значение) <> 10
		Или Сред(Значение, 5, 1) <> "-" Или Сред(Значение, 8, 1) <> "-" Тогда
		Возврат Неопределено;
	КонецЕсли;

	Цифры = Лев(Значение, 4) + Сред(Значение, 6, 2) + Сред(Значение, 9, 2);
	Если Не ТолькоЦифры(Цифры) Тогда
		Возврат Неопределено;
	КонецЕсли;

	// Checked before Дата() is called, so 2026-02-30 is a 400 for the caller, never an exception (a 500).
	НомерГода = Число(Лев(Значение, 4));
	НомерМесяца = Число(Сред(Значение, 6, 2));
	НомерДня = Число(Сред(Значение, 9, 2));
	Если НомерГода < 1 Или НомерМесяца < 1 Или НомерМесяца > 12 Или НомерДня < 1 Тогда
		Возврат Неопределено;
	КонецЕсли;
	Если НомерДня > День(КонецМесяца(Дата(НомерГода, НомерМесяца, 1))) Тогда
		Возврат Неопределено;
	КонецЕсли;
	Возврат Дата(НомерГода, НомерМесяца, НомерДня);

КонецФункции

#КонецОбласти

#Область СозданиеСчета

// Answers a repeat with the recorded document, otherwise checks the products, the settings and the rights, then
// creates the invoice in one transaction: an exclusive managed lock on the shop's invoice number, a second look-up
// under the lock, a lock on the buyer's phone, the buyer, its contract, the document and the register record. Two
// concurrent calls with the same number queue on the first lock (the second finds the record and answers "exists");
// two calls with different numbers and the same new phone queue on the second (the second finds the buyer the first
// created). A refusal found inside the transaction (a closed period, a failed filling check) rolls everything back:
// no buyer, contract or invoice is left behind.
//
// Parameters:
//   Данные - Соответствие - a request that passed ПроверитьДанные:
//   * invoice_number - Строка - the shop's invoice number.
//   * order_id - Строка, Число, Неопределено - the shop's order number.
//   * date - Строка - the payment date, YYYY-MM-DD.
//   * customer - Соответствие - the buyer:
//   ** name - Строка - the buyer's name.
//   ** phone - Строка - E.164.
//   ** address - Строка, Неопределено - the delivery address.
//   * items - Массив из Соответствие - the lines (articul, name, quantity, price, total).
//   * delivery_cost - Число - the delivery cost.
//   * total - Число - the invoice total.
//   Настройки - Структура - from ПрочитатьНастройки.
//
// Returns:
//   HTTPСервисОтвет - 201, 200, 400, 403, 409 (the number was cancelled before its invoice was made), 422 or 503.
//
Функция СоздатьСчетОдинРаз(Данные, Настройки)

	НомерСчета = Данные.Получить("invoice_number");
	Записанный = ЗаписанныйСчет(НомерСчета);
	Если Записанный <> Неопределено Тогда
		Возврат ОтветСчет(200, "exists", Истина, НомерСчета, Записанный.ИдентификаторДокумента,
			Записанный.НомерДокумента);
	КонецЕсли;

	// Read-only checks before the lock: a rejected request leaves nothing behind and holds no lock.
	Права = НедостающиеПрава();
	Если Права.Количество() > 0 Тогда
		Возврат ОтветОтказ(403, "access_denied", Права);
	КонецЕсли;
	Ошибки = Новый Массив;
	Товары = НайтиТовары(Данные.Получить("items"), Ошибки);
	Если Ошибки.Количество() > 0 Тогда
		Возврат ОтветОшибка(400, Ошибки);
	КонецЕсли;
	Проблемы = ПроблемыНастройки(Данные, Товары, Настройки);
	Если Проблемы.Количество() > 0 Тогда
		Возврат ОтветНеНастроено(Проблемы);
	КонецЕсли;

	Отказано = Ложь;
	НачатьТранзакцию();
	Попытка
		ЗаблокироватьКлюч(НомерСчета);

		Записанный = ЗаписанныйСчет(НомерСчета);
		Если Записанный = Неопределено И ОтмененДоСоздания(НомерСчета) Тогда
			// The cancellation came first (a create whose client gave up at its timeout, still running here when
			// the refund's cancellation found nothing): no invoice is made for this number, now or later.
			Ответ = ОтветОтмененДоСоздания();
		ИначеЕсли Записанный = Неопределено Тогда
			ЗаблокироватьКлюч(КлючТелефона(Данные.Получить("customer").Получить("phone")));
			Итог = СоздатьСчет(Данные, Товары, Настройки);
			Если Итог.Ответ = Неопределено Тогда
				ЗаписатьСчетВРегистр(НомерСчета, НомерЗаказа(Данные), Итог.Счет);
				Ответ = ОтветСчет(201, "created", Ложь, НомерСчета,
					Строка(Итог.Счет.Ссылка.УникальныйИдентификатор()), Итог.Счет.Номер);
			Иначе
				Отказано = Истина;
				Ответ = Итог.Ответ;
			КонецЕсли;
		Иначе
			Ответ = ОтветСчет(200, "exists", Истина, НомерСчета, Записанный.ИдентификаторДокумента,
				Записанный.НомерДокумента);
		КонецЕсли;

		Если Отказано Тогда
			// Undoes the buyer and the contract made for the refused invoice: the handler below rolls back.
			ВызватьИсключение "refused";
		КонецЕсли;
		ЗафиксироватьТранзакцию();
	Исключение
		ОтменитьТранзакцию();
		Если Отказано Тогда
			Возврат Ответ;
		КонецЕсли;
		ВызватьИсключение;
	КонецПопытки;

	Возврат Ответ;

КонецФункции

// What 1C lacks to make this invoice, found before anything is written: the delivery item of the settings,
// a VAT rate kind for every line (the product's own, else the organisation's default) when the organisation the
// document gets is subject to VAT, and, for a date from 2026-01-01, a general rate of 22 %: the public УНФ releases
// 3.0.5.199 and 3.0.8.73 resolve «Общая» to 20 % for every date from 2019, so such a base would write every 2026
// invoice with the wrong VAT. The organisation and its taxation come from the document's own filling, as in
// СоздатьСчет, on a document that is never written.
//
// Parameters:
//   Данные - Соответствие - a valid request:
//   * invoice_number - Строка - the shop's invoice number.
//   * order_id - Строка, Число, Неопределено - the shop's order number.
//   * date - Строка - the payment date, YYYY-MM-DD.
//   * customer - Соответствие - the buyer:
//   ** name - Строка - the buyer's name.
//   ** phone - Строка - E.164.
//   ** address - Строка, Неопределено - the delivery address.
//   * items - Массив из Соответствие - the lines (articul, name, quantity, price, total).
//   * delivery_cost - Число - the delivery cost.
//   * total - Число - the invoice total.
//   Товары - Соответствие - from НайтиТовары.
//   Настройки - Структура - from ПрочитатьНастройки.
//
// Returns:
//   Массив из Строка - what the administrator must set; empty when nothing is missing.
//
Функция ПроблемыНастройки(Данные, Товары, Настройки)

	Проблемы = Новый Массив;
	Доставка = Данные.Получить("delivery_cost") > 0;
	Если Доставка И Не ЗначениеЗаполнено(Настройки.НоменклатураДоставки) Тогда
		Проблемы.Добавить("settings: the delivery item («Услуга доставки») is not set");
		Возврат Проблемы;
	КонецЕсли;

	Пробный = Документы.СчетНаОплату.СоздатьДокумент();
	Пробный.Дата = ДатаСчета(ДатаИзСтроки(Данные.Получить("date")));
	Пробный.Заполнить(ДанныеЗаполнения(Неопределено, Настройки));

	ВидыСтавок = Новый Массив;
	Индекс = 0;
	Для Каждого Позиция Из Данные.Получить("items") Цикл
		Товар = Товары.Получить(ВРег(СокрЛП(Позиция.Получить("articul"))));
		Если Не ЗначениеЗаполнено(СтавкаНДС(Пробный, Товар.ВидСтавкиНДС)) Тогда
			Проблемы.Добавить(ПутьСтроки(Индекс)
				+ ": the product has no VAT rate kind and the organisation has no default one");
		КонецЕсли;
		ВидыСтавок.Добавить(ВидСтавкиСтроки(Пробный, Товар.ВидСтавкиНДС));
		Индекс = Индекс + 1;
	КонецЦикла;
	Если Доставка И Не ЗначениеЗаполнено(СтавкаНДС(Пробный, Настройки.НоменклатураДоставки.ВидСтавкиНДС)) Тогда
		Проблемы.Добавить("delivery: the delivery item has no VAT rate kind and the organisation has no default one");
	КонецЕсли;
	Если Доставка Тогда
		ВидыСтавок.Добавить(ВидСтавкиСтроки(Пробный, Настройки.НоменклатураДоставки.ВидСтавкиНДС));
	КонецЕсли;

	Если Пробный.НалогообложениеНДС = Перечисления.ТипыНалогообложенияНДС.ОблагаетсяНДС
		И Пробный.Дата >= Дата(2026, 1, 1)
		И ВидыСтавок.Найти(Перечисления.ВидыСтавокНДС.Общая) <> Неопределено Тогда
		// Federal Law of 28.11.2025 No. 425-FZ: the general rate is 22 % from 2026-01-01.
		Общая = СтавкаНДС(Пробный, Перечисления.ВидыСтавокНДС.Общая);
		Если Общая.Ставка <> 22 Тогда
			Проблемы.Добавить("vat: the general VAT rate in 1C for the invoice date is "
				+ ЧислоJSON(Общая.Ставка) + " %, the law sets 22 % from 2026-01-01: update УНФ to a release that"
				+ " knows the rate (see the extension's README)");
		КонецЕсли;
	КонецЕсли;
	Возврат Проблемы;

КонецФункции

// The VAT rate kind a line gets: the product's own, else the organisation's default (as СтавкаНДС chooses it).
//
// Parameters:
//   Счет - ДокументОбъект.СчетНаОплату - the invoice being filled (its organisation is set).
//   ВидСтавкиТовара - ПеречислениеСсылка.ВидыСтавокНДС - the product's rate kind, may be empty.
//
// Returns:
//   ПеречислениеСсылка.ВидыСтавокНДС - the kind, may be empty.
//
Функция ВидСтавкиСтроки(Счет, ВидСтавкиТовара)

	Если ЗначениеЗаполнено(ВидСтавкиТовара) Тогда
		Возврат ВидСтавкиТовара;
	КонецЕсли;
	Возврат Счет.Организация.ВидСтавкиНДСПоУмолчанию;

КонецФункции

// The rights of the service's user on what it writes, checked before anything is locked: a missing right would
// otherwise be an exception in the middle of the transaction (a 500 the exporter retries for ever). Record-level
// restrictions (access groups by organisation and counterparty group) cannot be checked this way: the README of
// the extension says which access group settings the service needs.
//
// Returns:
//   Массив из Строка - the missing rights; empty when every right is granted.
//
Функция НедостающиеПрава()

	Нужные = Новый Массив;
	Нужные.Добавить(Новый Структура("Право, Имя", "Добавление", "Документ.СчетНаОплату"));
	Нужные.Добавить(Новый Структура("Право, Имя", "Добавление", "Справочник.Контрагенты"));
	Нужные.Добавить(Новый Структура("Право, Имя", "Добавление", "Справочник.ДоговорыКонтрагентов"));
	Нужные.Добавить(Новый Структура("Право, Имя", "Изменение", "РегистрСведений.ОсновныеДоговорыКонтрагента"));

	Недостает = Новый Массив;
	Для Каждого Нужное Из Нужные Цикл
		Если Не ПравоДоступа(Нужное.Право, Метаданные.НайтиПоПолномуИмени(Нужное.Имя)) Тогда
			Недостает.Добавить("rights: the service's 1C user lacks «" + Нужное.Право + "» on " + Нужное.Имя
				+ " (the access group profile in the extension's README)");
		КонецЕсли;
	КонецЦикла;
	Возврат Недостает;

КонецФункции

// Parameters:
//   Покупатель - СправочникСсылка.Контрагенты, Неопределено - the buyer.
//   Настройки - Структура - from ПрочитатьНастройки.
//
// Returns:
//   Структура - the filling data of the invoice: the buyer, and the organisation and price kind of the
//   settings when set, so that what depends on them (taxation, bank account, ...) is derived from them.
//
Функция ДанныеЗаполнения(Покупатель, Настройки)

	Заполнение = Новый Структура;
	Если Покупатель <> Неопределено Тогда
		Заполнение.Вставить("Контрагент", Покупатель);
	КонецЕсли;
	Если ЗначениеЗаполнено(Настройки.Организация) Тогда
		Заполнение.Вставить("Организация", Настройки.Организация);
	КонецЕсли;
	Если ЗначениеЗаполнено(Настройки.ВидЦен) Тогда
		Заполнение.Вставить("ВидЦен", Настройки.ВидЦен);
	КонецЕсли;
	Возврат Заполнение;

КонецФункции

// An exclusive managed lock on one key of the register's dimension until the transaction ends. Shop invoice
// numbers (INV-, TEST-) and phone keys (ТЕЛЕФОН:) never collide, so one lock space serves both.
//
// Parameters:
//   Ключ - Строка - the value to lock.
//
Процедура ЗаблокироватьКлюч(Ключ)

	Блокировка = Новый БлокировкаДанных;
	ЭлементБлокировки = Блокировка.Добавить("РегистрСведений.Магазин_СчетаМагазина");
	ЭлементБлокировки.Режим = РежимБлокировкиДанных.Исключительный;
	ЭлементБлокировки.УстановитьЗначение("НомерСчетаМагазина", Ключ);
	Блокировка.Заблокировать();

КонецПроцедуры

// Parameters:
//   Телефон - Строка - an E.164 phone.
//
// Returns:
//   Строка - the lock key of a buyer with this phone: the last ten digits, as УНФ's phone key is made of them.
//
Функция КлючТелефона(Телефон)

	Возврат "ТЕЛЕФОН:" + Прав(Сред(Телефон, 2), 10);

КонецФункции

// Parameters:
//   Данные - Соответствие - a valid request:
//   * invoice_number - Строка - the shop's invoice number.
//   * order_id - Строка, Число, Неопределено - the shop's order number.
//   * date - Строка - the payment date, YYYY-MM-DD.
//   * customer - Соответствие - the buyer:
//   ** name - Строка - the buyer's name.
//   ** phone - Строка - E.164.
//   ** address - Строка, Неопределено - the delivery address.
//   * items - Массив из Соответствие - the lines (articul, name, quantity, price, total).
//   * delivery_cost - Число - the delivery cost.
//   * total - Число - the invoice total.
//
// Returns:
//   Строка - the shop's order number, empty when the request has none.
//
Функция НомерЗаказа(Данные)

	Значение = Данные.Получить("order_id");
	Если ТипЗнч(Значение) = Тип("Число") Тогда
		Возврат Формат(Значение, "ЧН=0; ЧГ=0");
	ИначеЕсли ТипЗнч(Значение) = Тип("Строка") Тогда
		Возврат СокрЛП(Значение);
	КонецЕсли;
	Возврат "";

КонецФункции

// Parameters:
//   НомерСчета - Строка - the shop's invoice number.
//
// Returns:
//   РегистрСведенийМенеджерЗаписи.Магазин_СчетаМагазина, Неопределено - the record of an invoice already
//   created for this number, or Неопределено.
//
Функция ЗаписанныйСчет(НомерСчета)

	Запись = РегистрыСведений.Магазин_СчетаМагазина.СоздатьМенеджерЗаписи();
	Запись.НомерСчетаМагазина = НомерСчета;
	Запись.Прочитать();
	Если Не Запись.Выбран() Или Не ЗначениеЗаполнено(Запись.ИдентификаторДокумента) Тогда
		Возврат Неопределено;
	КонецЕсли;
	Возврат Запись;

КонецФункции

// Parameters:
//   НомерСчета - Строка - the shop's invoice number.
//   НомерЗаказа - Строка - the shop's order number, may be empty.
//   Счет - ДокументОбъект.СчетНаОплату - the written invoice.
//
Процедура ЗаписатьСчетВРегистр(НомерСчета, НомерЗаказа, Счет)

	Запись = РегистрыСведений.Магазин_СчетаМагазина.СоздатьМенеджерЗаписи();
	Запись.НомерСчетаМагазина = НомерСчета;
	Запись.СчетНаОплату = Счет.Ссылка;
	Запись.ИдентификаторДокумента = Строка(Счет.Ссылка.УникальныйИдентификатор());
	Запись.НомерДокумента = Счет.Номер;
	Запись.НомерЗаказа = НомерЗаказа;
	Запись.Создан = ТекущаяДатаСеанса();
	Запись.Записать(Истина);

КонецПроцедуры

// Fills and writes the document. Runs inside the transaction of СоздатьСчетОдинРаз.
//
// The document's own filling (Заполнить) takes the buyer's main contract, whatever organisation it belongs to, and
// copies that contract's currency, price kind and discount kind; so the contract is chosen again for the
// organisation of the settings (ДоговорПокупателя, created the УНФ way when the buyer has none) and everything
// that depends on it is derived again. Before writing: the closed-period check and the filling check a user's save
// would run (a write from code runs neither the check nor ОбработкаПроверкиЗаполнения).
//
// Parameters:
//   Данные - Соответствие - a valid request:
//   * invoice_number - Строка - the shop's invoice number.
//   * order_id - Строка, Число, Неопределено - the shop's order number.
//   * date - Строка - the payment date, YYYY-MM-DD.
//   * customer - Соответствие - the buyer:
//   ** name - Строка - the buyer's name.
//   ** phone - Строка - E.164.
//   ** address - Строка, Неопределено - the delivery address.
//   * items - Массив из Соответствие - the lines (articul, name, quantity, price, total).
//   * delivery_cost - Число - the delivery cost.
//   * total - Число - the invoice total.
//   Товары - Соответствие - articul -> Структура (Ссылка, ВидСтавкиНДС, ЕдиницаИзмерения), from НайтиТовары.
//   Настройки - Структура - from ПрочитатьНастройки.
//
// Returns:
//   Структура - the outcome:
//   * Счет - ДокументОбъект.СчетНаОплату, Неопределено - the written invoice.
//   * Ответ - HTTPСервисОтвет, Неопределено - the refusal (the caller rolls the transaction back), or Неопределено.
//
Функция СоздатьСчет(Данные, Товары, Настройки)

	Итог = Новый Структура("Счет, Ответ", Неопределено, Неопределено);

	Покупатель = НайтиИлиСоздатьПокупателя(Данные.Получить("customer"), НомерЗаказа(Данные), Итог);
	Если Итог.Ответ <> Неопределено Тогда
		Возврат Итог;
	КонецЕсли;

	Счет = Документы.СчетНаОплату.СоздатьДокумент();
	Счет.Дата = ДатаСчета(ДатаИзСтроки(Данные.Получить("date")));

	// The document's own filling sets the organisation, taxation, responsible person and the other defaults.
	Счет.Заполнить(ДанныеЗаполнения(Покупатель, Настройки));
	Счет.Договор = ДоговорПокупателя(Покупатель, Счет.Организация, Настройки, Итог);
	Если Итог.Ответ <> Неопределено Тогда
		Возврат Итог;
	КонецЕсли;

	// What the document's form derives from a contract, for a contract in roubles: the shop's amounts are roubles.
	НациональнаяВалюта = УправлениеНебольшойФирмойПовтИсп.ПолучитьНациональнуюВалюту();
	Счет.ВалютаДокумента = НациональнаяВалюта;
	Счет.Курс = 1;
	Счет.Кратность = 1;
	Если ЗначениеЗаполнено(Настройки.ВидЦен) Тогда
		Счет.ВидЦен = Настройки.ВидЦен;
	ИначеЕсли ЗначениеЗаполнено(Счет.Договор.ВидЦен) Тогда
		Счет.ВидЦен = Счет.Договор.ВидЦен;
	КонецЕсли;
	Счет.БанковскийСчет = Справочники.БанковскиеСчета.БанковскийСчетСубъекта(Счет.Организация, НациональнаяВалюта,
		Счет.Дата);
	ПечатьДокументовУНФ.ОбработкаЗаполненияОснованияПечати(Счет);

	// The shop's prices are final: no manual discount kind, no discount card, automatic discounts counted as
	// calculated (the form would otherwise recalculate them at a person's next save).
	Счет.ВидСкидкиНаценки = Справочники.ВидыСкидокНаценок.ПустаяСсылка();
	Счет.ДисконтнаяКарта = Справочники.ДисконтныеКарты.ПустаяСсылка();
	Счет.ПроцентСкидкиПоДисконтнойКарте = 0;
	Счет.СкидкиРассчитаны = Истина;

	// Shop prices are what the customer paid, VAT included.
	Счет.СуммаВключаетНДС = Истина;
	Счет.Комментарий = КомментарийСчета(Данные);

	Для Каждого Позиция Из Данные.Получить("items") Цикл
		Товар = Товары.Получить(ВРег(СокрЛП(Позиция.Получить("articul"))));
		ЗаполнитьСтроку(Счет, Счет.Запасы.Добавить(), Товар, Позиция);
	КонецЦикла;

	Доставка = Данные.Получить("delivery_cost");
	Если Доставка > 0 Тогда
		ЗаполнитьДоставку(Счет, Настройки.НоменклатураДоставки, Доставка);
	КонецЕсли;

	// With СуммаВключаетНДС the document's own ПередЗаписью computes the same: rows' Всего plus delivery.
	Счет.СуммаДокумента = Счет.Запасы.Итог("Всего") + Счет.СтоимостьДоставки;
	Если Счет.СуммаДокумента <> Данные.Получить("total") Тогда
		// Cannot happen after ПроверитьДанные; guards against a changed filling after a configuration update.
		ВызватьИсключение СтрШаблон("document total %1 differs from the shop's total %2",
			ЧислоJSON(Счет.СуммаДокумента), ЧислоJSON(Данные.Получить("total")));
	КонецЕсли;

	Если Не ЗначениеЗаполнено(НациональнаяВалюта) Тогда
		Итог.Ответ = ОтветНеНастроено(ОдинЭлемент("currency: «Национальная валюта» is not set in 1C"));
		Возврат Итог;
	КонецЕсли;
	// A buyer who keeps no contracts has a single one, which may be in another currency: the shop's amounts are
	// roubles and would be read as that currency.
	Если ЗначениеЗаполнено(Счет.Договор) И Счет.ВалютаДокумента <> Счет.Договор.ВалютаРасчетов Тогда
		Итог.Ответ = ОтветНеНастроено(ОдинЭлемент("contract: the buyer keeps no contracts and its only contract is"
			+ " not in the national currency"));
		Возврат Итог;
	КонецЕсли;
	Если Покупатель.ВестиРасчетыПоДоговорам И Счет.Договор.Организация <> Счет.Организация Тогда
		Итог.Ответ = ОтветНеНастроено(ОдинЭлемент("contract: the buyer's contract does not belong to the"
			+ " organisation of the invoice"));
		Возврат Итог;
	КонецЕсли;

	Если ДатыЗапретаИзменения.ИзменениеЗапрещено(Счет) Тогда
		Итог.Ответ = ОтветОтказ(422, "period_closed", ОдинЭлемент("date: the invoice date "
			+ Формат(Счет.Дата, "ДФ=yyyy-MM-dd") + " lies in a period closed for changes in 1C for the organisation"
			+ " of the invoice (даты запрета изменения): open the period or let the accountant decide"));
		Возврат Итог;
	КонецЕсли;

	ПолучитьСообщенияПользователю(Истина);
	Если Не Счет.ПроверитьЗаполнение() Тогда
		Итог.Ответ = ОтветНеЗаполнено(ПолучитьСообщенияПользователю(Истина), "invoice");
		Возврат Итог;
	КонецЕсли;
	Если Не УправлениеДоступом.ИзменениеРазрешено(Счет) Тогда
		Итог.Ответ = ОтветЗаписьЗапрещена("Документ.СчетНаОплату");
		Возврат Итог;
	КонецЕсли;

	Счет.Записать(РежимЗаписиДокумента.Запись);
	Итог.Счет = Счет;
	Возврат Итог;

КонецФункции

// The invoice's contract: the buyer's contract with the organisation of the invoice, of the kind «С покупателем»,
// in roubles (ДоговорПокупателяИзБазы). None: one is created the way УНФ's own site exchange creates it, and made
// the main contract for this organisation and kind only when the buyer has none (an accountant's main contract is
// never replaced). A buyer who keeps no contracts may have only one (УНФ refuses a second): its main contract, else
// its only contract, else a new one for this organisation.
//
// Parameters:
//   Покупатель - СправочникСсылка.Контрагенты - the buyer.
//   Организация - СправочникСсылка.Организации - the organisation of the invoice.
//   Настройки - Структура - from ПрочитатьНастройки.
//   Итог - Структура - Ответ is set when the contract cannot be made:
//   * Счет - ДокументОбъект.СчетНаОплату, Неопределено - not used here.
//   * Ответ - HTTPСервисОтвет, Неопределено - the refusal.
//
// Returns:
//   СправочникСсылка.ДоговорыКонтрагентов - the contract, empty when Итог.Ответ is set.
//
Функция ДоговорПокупателя(Покупатель, Организация, Настройки, Итог)

	НациональнаяВалюта = УправлениеНебольшойФирмойПовтИсп.ПолучитьНациональнуюВалюту();
	Если Не Покупатель.ВестиРасчетыПоДоговорам Тогда
		Основной = Справочники.ДоговорыКонтрагентов.ДоговорПоУмолчанию(Покупатель);
		Если ЗначениеЗаполнено(Основной) Тогда
			Возврат Основной;
		КонецЕсли;
		// Its only contract, even when it was never registered as the main one: УНФ refuses a second.
		Единственный = ДоговорПокупателяИзБазы(Покупатель, Неопределено, Неопределено);
		Если ЗначениеЗаполнено(Единственный) Тогда
			Возврат Единственный;
		КонецЕсли;
	Иначе
		Найденный = ДоговорПокупателяИзБазы(Покупатель, Организация, НациональнаяВалюта);
		Если ЗначениеЗаполнено(Найденный) Тогда
			Возврат Найденный;
		КонецЕсли;
	КонецЕсли;

	Договор = Справочники.ДоговорыКонтрагентов.СоздатьЭлемент();
	Договор.Владелец = Покупатель;
	Договор.Организация = Организация;
	Договор.ВидДоговора = Перечисления.ВидыДоговоров.СПокупателем;
	Договор.ВалютаРасчетов = НациональнаяВалюта;
	Если ЗначениеЗаполнено(Настройки.ВидЦен) Тогда
		Договор.ВидЦен = Настройки.ВидЦен;
	Иначе
		Договор.ВидЦен = Справочники.ВидыЦен.ПолучитьОсновнойВидЦенПродажи();
	КонецЕсли;
	Договор.Наименование = ШаблоныНаименований.НаименованиеДоговораПоУмолчанию(Договор);

	ПолучитьСообщенияПользователю(Истина);
	Если Не Договор.ПроверитьЗаполнение() Тогда
		Итог.Ответ = ОтветНеЗаполнено(ПолучитьСообщенияПользователю(Истина), "contract");
		Возврат Справочники.ДоговорыКонтрагентов.ПустаяСсылка();
	КонецЕсли;
	Если Не УправлениеДоступом.ИзменениеРазрешено(Договор) Тогда
		Итог.Ответ = ОтветЗаписьЗапрещена("Справочник.ДоговорыКонтрагентов");
		Возврат Справочники.ДоговорыКонтрагентов.ПустаяСсылка();
	КонецЕсли;
	Договор.Записать();

	ЗаписьОсновного = РегистрыСведений.ОсновныеДоговорыКонтрагента.СоздатьМенеджерЗаписи();
	ЗаписьОсновного.Организация = Организация;
	ЗаписьОсновного.Контрагент = Покупатель;
	ЗаписьОсновного.ВидДоговора = Перечисления.ВидыДоговоров.СПокупателем;
	ЗаписьОсновного.Прочитать();
	Если Не ЗаписьОсновного.Выбран() Тогда
		Справочники.ДоговорыКонтрагентов.ЗаписатьДоговорПоУмолчанию(Договор);
	КонецЕсли;
	Возврат Договор.Ссылка;

КонецФункции

// The invoice's date is the payment date of the request. Its time: now when that date is today in 1C, else the
// end of that day: an invoice made after a night of maintenance still belongs to the day of the payment and
// sorts after everything else dated that day (the payment itself among them).
//
// Parameters:
//   ДатаОплаты - Дата - the date of the request.
//
// Returns:
//   Дата - the document's date and time.
//
Функция ДатаСчета(ДатаОплаты)

	Сейчас = ТекущаяДатаСеанса();
	Если НачалоДня(Сейчас) = НачалоДня(ДатаОплаты) Тогда
		Возврат Сейчас;
	КонецЕсли;
	Возврат КонецДня(ДатаОплаты);

КонецФункции

// Parameters:
//   Данные - Соответствие - a valid request:
//   * invoice_number - Строка - the shop's invoice number.
//   * order_id - Строка, Число, Неопределено - the shop's order number.
//   * date - Строка - the payment date, YYYY-MM-DD.
//   * customer - Соответствие - the buyer:
//   ** name - Строка - the buyer's name.
//   ** phone - Строка - E.164.
//   ** address - Строка, Неопределено - the delivery address.
//   * items - Массив из Соответствие - the lines (articul, name, quantity, price, total).
//   * delivery_cost - Число - the delivery cost.
//   * total - Число - the invoice total.
//
// Returns:
//   Строка - the comment the accountant searches by: the order number and the shop's invoice number.
//
Функция КомментарийСчета(Данные)

	НомерСчета = Данные.Получить("invoice_number");
	Заказ = НомерЗаказа(Данные);
	Если ЗначениеЗаполнено(Заказ) Тогда
		Текст = СтрШаблон(НСтр("ru = 'Интернет-магазин: заказ № %1, счёт %2'"), Заказ, НомерСчета);
	Иначе
		Текст = СтрШаблон(НСтр("ru = 'Интернет-магазин: счёт %1'"), НомерСчета);
	КонецЕсли;
	Если ЭтоТестовыйНомер(НомерСчета) Тогда
		Текст = НСтр("ru = 'ТЕСТ. '") + Текст;
	КонецЕсли;
	Возврат Текст;

КонецФункции

// Parameters:
//   Счет - ДокументОбъект.СчетНаОплату - the invoice being filled (its date, organisation and taxation are set).
//   Строка - ДокументТабличнаяЧастьСтрока.СчетНаОплату.Запасы - the new row.
//   Товар - Структура - Ссылка, ВидСтавкиНДС, ЕдиницаИзмерения of the product, from НайтиТовары.
//   Позиция - Соответствие - the item of the request.
//
Процедура ЗаполнитьСтроку(Счет, Строка, Товар, Позиция)

	Строка.Номенклатура = Товар.Ссылка;
	Строка.ЕдиницаИзмерения = Товар.ЕдиницаИзмерения;
	Строка.Количество = Позиция.Получить("quantity");
	Строка.Цена = Позиция.Получить("price");
	// The shop's line total, already checked to equal quantity x price rounded to kopecks.
	Строка.Сумма = Позиция.Получить("total");
	// Checked by ПроблемыНастройки before the transaction.
	Строка.СтавкаНДС = СтавкаНДС(Счет, Товар.ВидСтавкиНДС);
	Строка.СуммаНДС = НДСИзСуммы(Счет, Строка.Сумма, Строка.СтавкаНДС);
	Строка.Всего = Строка.Сумма;

КонецПроцедуры

// Parameters:
//   Счет - ДокументОбъект.СчетНаОплату - the invoice being filled.
//   НоменклатураДоставки - СправочникСсылка.Номенклатура - the delivery service of the settings.
//   Доставка - Число - delivery_cost of the request, above 0.
//
Процедура ЗаполнитьДоставку(Счет, НоменклатураДоставки, Доставка)

	Счет.НоменклатураДоставки = НоменклатураДоставки;
	Счет.СтоимостьДоставки = Доставка;
	Счет.СтавкаНДСДоставки = СтавкаНДС(Счет, НоменклатураДоставки.ВидСтавкиНДС);
	Счет.СуммаНДСДоставки = НДСИзСуммы(Счет, Доставка, Счет.СтавкаНДСДоставки);

КонецПроцедуры

// The VAT rate of a line as УНФ chooses it: by the document's taxation; when it is subject to VAT, the
// product's own rate kind, else the organisation's default kind, turned into the rate item valid on the
// document's date by the rates catalog itself.
//
// Parameters:
//   Счет - ДокументОбъект.СчетНаОплату - the invoice being filled.
//   ВидСтавкиТовара - ПеречислениеСсылка.ВидыСтавокНДС - the product's rate kind, may be empty.
//
// Returns:
//   СправочникСсылка.СтавкиНДС - the rate, empty when no rate kind is known.
//
Функция СтавкаНДС(Счет, ВидСтавкиТовара)

	Если Счет.НалогообложениеНДС = Перечисления.ТипыНалогообложенияНДС.НеОблагаетсяНДС Тогда
		Возврат Справочники.СтавкиНДС.СтавкаНДС(Перечисления.ВидыСтавокНДС.БезНДС, Счет.Дата);
	ИначеЕсли Счет.НалогообложениеНДС = Перечисления.ТипыНалогообложенияНДС.НаЭкспорт Тогда
		Возврат Справочники.СтавкиНДС.СтавкаНДС(Перечисления.ВидыСтавокНДС.Нулевая, Счет.Дата);
	КонецЕсли;

	ВидСтавки = ВидСтавкиТовара;
	Если Не ЗначениеЗаполнено(ВидСтавки) Тогда
		ВидСтавки = Счет.Организация.ВидСтавкиНДСПоУмолчанию;
	КонецЕсли;
	Если Не ЗначениеЗаполнено(ВидСтавки) Тогда
		Возврат Справочники.СтавкиНДС.ПустаяСсылка();
	КонецЕсли;
	Возврат Справочники.СтавкиНДС.СтавкаНДС(ВидСтавки, Счет.Дата);

КонецФункции

// VAT contained in a VAT-inclusive sum: Сумма x rate / (100 + rate), to kopecks.
//
// Parameters:
//   Счет - ДокументОбъект.СчетНаОплату - the invoice: its taxation decides whether there is VAT at all.
//   Сумма - Число - the sum, VAT included.
//   Ставка - СправочникСсылка.СтавкиНДС - the rate.
//
// Returns:
//   Число - the VAT amount.
//
Функция НДСИзСуммы(Счет, Сумма, Ставка)

	Если Счет.НалогообложениеНДС <> Перечисления.ТипыНалогообложенияНДС.ОблагаетсяНДС Или Ставка.НеОблагается Тогда
		Возврат 0;
	КонецЕсли;
	Процент = Ставка.Ставка;
	Возврат Окр(Сумма * Процент / (100 + Процент), 2, РежимОкругления.Окр15как20);

КонецФункции

// Every articul must match exactly one product: Артикул is indexed but not unique in УНФ. Messages name the
// line, not the articul (the exporter keeps them).
//
// Parameters:
//   Строки - Массив из Соответствие - "items" of a valid request.
//   Ошибки - Массив из Строка - an error naming the line is added for 0 or several matches.
//
// Returns:
//   Соответствие - upper-cased articul -> Структура (Ссылка, ВидСтавкиНДС, ЕдиницаИзмерения).
//
Функция НайтиТовары(Строки, Ошибки)

	Артикулы = Новый Массив;
	Для Каждого Позиция Из Строки Цикл
		Артикулы.Добавить(СокрЛП(Позиция.Получить("articul")));
	КонецЦикла;

	Запрос = Новый Запрос;
	Запрос.Текст =
	"ВЫБРАТЬ
	|	Номенклатура.Артикул КАК Артикул,
	|	Номенклатура.Ссылка КАК Ссылка,
	|	Номенклатура.ВидСтавкиНДС КАК ВидСтавкиНДС,
	|	Номенклатура.ЕдиницаИзмерения КАК ЕдиницаИзмерения
	|ИЗ
	|	Справочник.Номенклатура КАК Номенклатура
	|ГДЕ
	|	Номенклатура.Артикул В (&Артикулы)
	|	И НЕ Номенклатура.ПометкаУдаления
	|	И НЕ Номенклатура.ЭтоГруппа";
	Запрос.УстановитьПараметр("Артикулы", Артикулы);
	Выборка = Запрос.Выполнить().Выбрать();

	Найдено = Новый Соответствие;
	Совпадений = Новый Соответствие;
	Пока Выборка.Следующий() Цикл
		Ключ = ВРег(СокрЛП(Выборка.Артикул));
		Найдено.Вставить(Ключ, Новый Структура("Ссылка, ВидСтавкиНДС, ЕдиницаИзмерения",
			Выборка.Ссылка, Выборка.ВидСтавкиНДС, Выборка.ЕдиницаИзмерения));
		Совпадений.Вставить(Ключ, ?(Совпадений.Получить(Ключ) = Неопределено, 1, Совпадений.Получить(Ключ) + 1));
	КонецЦикла;

	Товары = Новый Соответствие;
	Для Индекс = 0 По Строки.ВГраница() Цикл
		Ключ = ВРег(СокрЛП(Строки[Индекс].Получить("articul")));
		Количество = Совпадений.Получить(Ключ);
		Если Количество = Неопределено Тогда
			Ошибки.Добавить(ПутьСтроки(Индекс) + ".articul: no product with this articul in 1C");
		ИначеЕсли Количество > 1 Тогда
			Ошибки.Добавить(ПутьСтроки(Индекс) + ".articul: " + Формат(Количество, "ЧГ=0")
				+ " products have this articul in 1C, it must be unique");
		Иначе
			Товары.Вставить(Ключ, Найдено.Получить(Ключ));
		КонецЕсли;
	КонецЦикла;

	Возврат Товары;

КонецФункции

// The buyer is found the way УНФ finds a caller: by its own key of the phone (the last ten digits reversed,
// Справочники.Контрагенты.ПолучитьОбратныйНомерТелефонаБезКодаСтраны), compared for equality - a prefix match of
// a shorter number would find other people - among the counterparties the service's user may read (РАЗРЕШЕННЫЕ:
// a hidden one raises no access error) that are not marked invalid. Several matches: a buyer first, then the
// oldest. None: a new buyer, an individual, created as УНФ creates one from a lead (the catalog's own filling, the
// company's defaults for new counterparties), without the automatic contract (it would belong to the user's main
// organisation; ДоговорПокупателя makes the right one), its address stored as a free-form value (no recognition,
// no call to the address web service while our locks are held).
//
// Parameters:
//   Покупатель - Соответствие - "customer" of a valid request.
//   НомерЗаказа - Строка - the shop's order number for the new buyer's comment, may be empty.
//   Итог - Структура - Ответ is set when a new buyer fails УНФ's filling check:
//   * Счет - ДокументОбъект.СчетНаОплату, Неопределено - not used here.
//   * Ответ - HTTPСервисОтвет, Неопределено - the refusal.
//
// Returns:
//   СправочникСсылка.Контрагенты - the buyer, empty when Итог.Ответ is set.
//
Функция НайтиИлиСоздатьПокупателя(Покупатель, НомерЗаказа, Итог)

	Телефон = Покупатель.Получить("phone");
	Обратный = Справочники.Контрагенты.ПолучитьОбратныйНомерТелефонаБезКодаСтраны(Телефон);

	Запрос = Новый Запрос;
	Запрос.Текст =
	"ВЫБРАТЬ РАЗРЕШЕННЫЕ ПЕРВЫЕ 1
	|	Контрагенты.Ссылка КАК Ссылка
	|ИЗ
	|	Справочник.Контрагенты.КонтактнаяИнформация КАК КонтактнаяИнформация
	|		ВНУТРЕННЕЕ СОЕДИНЕНИЕ Справочник.Контрагенты КАК Контрагенты
	|		ПО КонтактнаяИнформация.Ссылка = Контрагенты.Ссылка
	|ГДЕ
	|	КонтактнаяИнформация.Тип = ЗНАЧЕНИЕ(Перечисление.ТипыКонтактнойИнформации.Телефон)
	|	И КонтактнаяИнформация.ОбратныйНомерТелефона = &Обратный
	|	И НЕ Контрагенты.ПометкаУдаления
	|	И НЕ Контрагенты.ЭтоГруппа
	|	И НЕ Контрагенты.Недействителен
	|
	|УПОРЯДОЧИТЬ ПО
	|	Контрагенты.Покупатель УБЫВ,
	|	Контрагенты.Код";
	Запрос.УстановитьПараметр("Обратный", Обратный);
	Выборка = Запрос.Выполнить().Выбрать();
	Если Выборка.Следующий() Тогда
		Возврат Выборка.Ссылка;
	КонецЕсли;

	Имя = СокрЛП(Покупатель.Получить("name"));
	Заполнение = Новый Структура;
	Заполнение.Вставить("Наименование", Лев(Имя, 100));
	Заполнение.Вставить("НаименованиеПолное", Имя);
	Заполнение.Вставить("ВидКонтрагента", Перечисления.ВидыКонтрагентов.ФизическоеЛицо);
	Заполнение.Вставить("Покупатель", Истина);
	// Read by the catalog's ОбработкаЗаполнения: it writes the phone into the contact information.
	Заполнение.Вставить("НомерТелефона", Телефон);
	Если ЗначениеЗаполнено(НомерЗаказа) Тогда
		Заполнение.Вставить("Комментарий",
			СтрШаблон(НСтр("ru = 'Создан автоматически по заказу № %1 из интернет-магазина'"), НомерЗаказа));
	Иначе
		Заполнение.Вставить("Комментарий", НСтр("ru = 'Создан автоматически по заказу из интернет-магазина'"));
	КонецЕсли;

	НовыйПокупатель = Справочники.Контрагенты.СоздатьЭлемент();
	НовыйПокупатель.Заполнить(Заполнение);
	// The company's settings for new counterparties (contracts, documents, orders), as УНФ applies them.
	ЗаполнитьЗначенияСвойств(НовыйПокупатель,
		РасчетыРаботаСФормамиВызовСервера.ПолучитьЗначенияРеквизитовПоУмолчаниюДляНовогоКонтрагента());
	НовыйПокупатель.ДополнительныеСвойства.Вставить("ПропуститьСозданиеДоговора", Истина);
	Адрес = Покупатель.Получить("address");
	Если ЗначениеЗаполнено(Адрес) Тогда
		АдресJSON = АдресВСвободнойФорме(Адрес);
		УправлениеКонтактнойИнформацией.ДобавитьКонтактнуюИнформацию(НовыйПокупатель, АдресJSON,
			Справочники.ВидыКонтактнойИнформации.АдресДоставкиКонтрагента);
	КонецЕсли;

	ПолучитьСообщенияПользователю(Истина);
	Если Не НовыйПокупатель.ПроверитьЗаполнение() Тогда
		Итог.Ответ = ОтветНеЗаполнено(ПолучитьСообщенияПользователю(Истина), "buyer");
		Возврат Справочники.Контрагенты.ПустаяСсылка();
	КонецЕсли;
	Если Не УправлениеДоступом.ИзменениеРазрешено(НовыйПокупатель) Тогда
		Итог.Ответ = ОтветЗаписьЗапрещена("Справочник.Контрагенты");
		Возврат Справочники.Контрагенты.ПустаяСсылка();
	КонецЕсли;
	НовыйПокупатель.Записать();
	Возврат НовыйПокупатель.Ссылка;

КонецФункции

// A contract of the buyer the service's user may read, not marked for deletion nor invalid: with the organisation,
// the kind «С покупателем» and the currency when they are given (the main one first, then the oldest), or any
// contract of the buyer when they are not. УНФ's own ПоКонтрагентуПоОрганизации is not used: when contracts are not
// controlled it answers the buyer's main contract of another organisation or currency first, every time.
//
// Parameters:
//   Покупатель - СправочникСсылка.Контрагенты - the buyer.
//   Организация - СправочникСсылка.Организации, Неопределено - the organisation, or Неопределено for any.
//   Валюта - СправочникСсылка.Валюты, Неопределено - the currency, or Неопределено for any.
//
// Returns:
//   СправочникСсылка.ДоговорыКонтрагентов - the contract, empty when there is none.
//
Функция ДоговорПокупателяИзБазы(Покупатель, Организация, Валюта)

	Запрос = Новый Запрос;
	Запрос.Текст =
	"ВЫБРАТЬ РАЗРЕШЕННЫЕ ПЕРВЫЕ 1
	|	Договоры.Ссылка КАК Ссылка
	|ИЗ
	|	Справочник.ДоговорыКонтрагентов КАК Договоры
	|		ЛЕВОЕ СОЕДИНЕНИЕ РегистрСведений.ОсновныеДоговорыКонтрагента КАК Основные
	|		ПО Основные.Договор = Договоры.Ссылка
	|ГДЕ
	|	Договоры.Владелец = &Покупатель
	|	И НЕ Договоры.ПометкаУдаления
	|	И НЕ Договоры.Недействителен
	|	И (&ЛюбаяОрганизация ИЛИ Договоры.Организация = &Организация)
	|	И (&ЛюбаяОрганизация ИЛИ Договоры.ВидДоговора = ЗНАЧЕНИЕ(Перечисление.ВидыДоговоров.СПокупателем))
	|	И (&ЛюбаяВалюта ИЛИ Договоры.ВалютаРасчетов = &Валюта)
	|
	|УПОРЯДОЧИТЬ ПО
	|	ВЫБОР
	|		КОГДА Основные.Договор ЕСТЬ NULL
	|			ТОГДА 1
	|		ИНАЧЕ 0
	|	КОНЕЦ,
	|	Договоры.Код";
	Запрос.УстановитьПараметр("Покупатель", Покупатель);
	Запрос.УстановитьПараметр("ЛюбаяОрганизация", Организация = Неопределено);
	Запрос.УстановитьПараметр("Организация", Организация);
	Запрос.УстановитьПараметр("ЛюбаяВалюта", Валюта = Неопределено);
	Запрос.УстановитьПараметр("Валюта", Валюта);
	Выборка = Запрос.Выполнить().Выбрать();
	Если Выборка.Следующий() Тогда
		Возврат Выборка.Ссылка;
	КонецЕсли;
	Возврат Справочники.ДоговорыКонтрагентов.ПустаяСсылка();

КонецФункции

// The address as a contact information value in БСП's JSON form, free-form: stored as it is, never recognised
// (a plain string would go to the address classifier, and to its web service when the support portal is
// connected). The same description УНФ itself fills for addresses from shops in social networks.
//
// Parameters:
//   Адрес - Строка - the delivery address of the request.
//
// Returns:
//   Строка - the JSON value.
//
Функция АдресВСвободнойФорме(Адрес)

	Описание = УправлениеКонтактнойИнформациейКлиентСервер.ОписаниеНовойКонтактнойИнформации(
		Перечисления.ТипыКонтактнойИнформации.Адрес);
	Описание.Вставить("value", СокрЛП(Адрес));
	Запись = Новый ЗаписьJSON;
	Запись.УстановитьСтроку(Новый ПараметрыЗаписиJSON(ПереносСтрокJSON.Нет));
	ЗаписатьJSON(Запись, Описание);
	Возврат Запись.Закрыть();

КонецФункции

#КонецОбласти

#Область ОтменаСчета

// Answers a repeat with the first cancellation, otherwise checks the rights, then, in one transaction under the
// exclusive managed lock of the shop's invoice number (the lock the create method takes), looks the record up again
// and marks the invoice (ПометитьСчет). The register keeps when and why: a second call, a concurrent one included,
// answers "already_cancelled" with the first time. A refusal found inside the transaction (documents based on the
// invoice, a closed period, the access group) rolls everything back: the invoice and the record stay as they were.
//
// Parameters:
//   НомерСчета - Строка - the shop's invoice number, valid.
//   Причина - Строка - why, from the request; may be empty.
//
// Returns:
//   HTTPСервисОтвет - 200, 403, 404, 409 or 422.
//
Функция ОтменитьСчетОдинРаз(НомерСчета, Причина)

	// No early "not_found": a create of this number may be under way in 1C (its client gave up at its timeout);
	// only under the number's lock is "no invoice" an answer that stays true (see ЗаписатьОтменуБезСчета).
	Записанный = ЗаписанныйСчет(НомерСчета);
	Если Записанный <> Неопределено И ЗначениеЗаполнено(Записанный.Отменен) Тогда
		Возврат ОтветОтмена("already_cancelled", Истина, НомерСчета, Записанный);
	КонецЕсли;

	// Read-only checks before the lock: a refused request leaves nothing behind and holds no lock.
	Права = НедостающиеПраваОтмены();
	Если Права.Количество() > 0 Тогда
		Возврат ОтветОтказ(403, "access_denied", Права);
	КонецЕсли;

	Отказано = Ложь;
	НачатьТранзакцию();
	Попытка
		ЗаблокироватьКлюч(НомерСчета);

		Записанный = ЗаписанныйСчет(НомерСчета);
		Если Записанный = Неопределено Тогда
			ЗаписатьОтменуБезСчета(НомерСчета, Причина);
			Ответ = ОтветНетСчета();
		ИначеЕсли ЗначениеЗаполнено(Записанный.Отменен) Тогда
			Ответ = ОтветОтмена("already_cancelled", Истина, НомерСчета, Записанный);
		Иначе
			Итог = ПометитьСчет(Записанный.СчетНаОплату, НомерСчета, Причина);
			Если Итог.Ответ = Неопределено Тогда
				ЗаписатьОтменуВРегистр(Записанный, Причина, Итог.Отменен);
				Ответ = ОтветОтмена(?(Итог.ПомеченРанее, "already_cancelled", "cancelled"), Итог.ПомеченРанее,
					НомерСчета, Записанный);
			Иначе
				Отказано = Истина;
				Ответ = Итог.Ответ;
			КонецЕсли;
		КонецЕсли;

		Если Отказано Тогда
			ВызватьИсключение "refused";
		КонецЕсли;
		ЗафиксироватьТранзакцию();
	Исключение
		ОтменитьТранзакцию();
		Если Отказано Тогда
			Возврат Ответ;
		КонецЕсли;
		ВызватьИсключение;
	КонецПопытки;

	Возврат Ответ;

КонецФункции

// Marks the invoice for deletion, after the checks a user's «Пометить на удаление» would meet or should: no document
// is based on it (a payment, a shipment: the accountant decides, ДокументыНаОсновании), its date is not in a period
// closed for changes (UNF's subscription ПроверитьДатуЗапретаИзмененияПередЗаписьюДокумента would raise), the access
// group allows changing it. The comment says why and when. An invoice a person marked already is left as it is.
// Runs inside the transaction of ОтменитьСчетОдинРаз.
//
// A posted invoice is unposted by the mark: UNF's ОбработкаУдаленияПроведения of Документ.СчетНаОплату unposts its
// subordinate «Счёт-фактура», and its records in the registers ПлатежныйКалендарь and ОплатаСчетовИЗаказов go.
//
// Parameters:
//   Ссылка - ДокументСсылка.СчетНаОплату - the invoice the register names.
//   НомерСчета - Строка - the shop's invoice number.
//   Причина - Строка - why, may be empty.
//
// Returns:
//   Структура - the outcome:
//   * Ответ - HTTPСервисОтвет, Неопределено - the refusal (the caller rolls the transaction back), or Неопределено.
//   * Отменен - Дата - when the invoice was marked (the session's time).
//   * ПомеченРанее - Булево - the invoice was marked for deletion before this call (by a person).
//
Функция ПометитьСчет(Ссылка, НомерСчета, Причина)

	Итог = Новый Структура("Ответ, Отменен, ПомеченРанее", Неопределено, ТекущаяДатаСеанса(), Ложь);

	ЗаблокироватьСчет(Ссылка);
	Счет = Ссылка.ПолучитьОбъект();
	Если Счет = Неопределено Тогда
		Итог.Ответ = ОтветОтказ(404, "not_found", ОдинЭлемент("document: the invoice this service made for this"
			+ " number is no longer in the base (deleted in 1C); nothing to cancel"));
		Возврат Итог;
	КонецЕсли;
	Если Счет.ПометкаУдаления Тогда
		Итог.ПомеченРанее = Истина;
		Возврат Итог;
	КонецЕсли;

	Основанные = ДокументыНаОсновании(Ссылка);
	Если ТипЗнч(Основанные) <> Тип("Массив") Тогда
		Итог.Ответ = ОтветЕстьСкрытыеДокументы();
		Возврат Итог;
	ИначеЕсли Основанные.Количество() > 0 Тогда
		Итог.Ответ = ОтветЕстьДокументы(Основанные);
		Возврат Итог;
	КонецЕсли;

	Счет.Комментарий = КомментарийОтмены(Счет.Комментарий, Причина, Итог.Отменен);
	Если ДатыЗапретаИзменения.ИзменениеЗапрещено(Счет) Тогда
		Итог.Ответ = ОтветОтказ(422, "period_closed", ОдинЭлемент("date: the invoice date "
			+ Формат(Счет.Дата, "ДФ=yyyy-MM-dd") + " lies in a period closed for changes in 1C for the organisation"
			+ " of the invoice (даты запрета изменения): the invoice stays; open the period or let the accountant"
			+ " decide"));
		Возврат Итог;
	КонецЕсли;
	Если Не УправлениеДоступом.ИзменениеРазрешено(Счет) Тогда
		Итог.Ответ = ОтветЗаписьЗапрещена("Документ.СчетНаОплату");
		Возврат Итог;
	КонецЕсли;

	// One write: the platform writes the object with its new comment and the mark (unposting it when posted).
	Счет.УстановитьПометкуУдаления(Истина);
	Возврат Итог;

КонецФункции

// The documents based on the invoice that are not marked for deletion: UNF's filter criterion
// КритерийОтбора.ДокументыПоСчетуНаОплату (the list «Документы по счёту» of the invoice: ДокументОснование of payments
// and shipments, СчетНаОплату in a payment's breakdown, offsets, opening balances, tax invoices), and the payments
// that list leaves out in both checked releases: a card payment (ОперацияПоПлатежнымКартам, its ДокументОснование and
// its breakdown РасшифровкаПлатежа) and a payment through an agent (ПоступлениеНаСчет.РасшифровкаПлатежаОтАгента),
// the ways an online shop is paid; and every other document whose basis or payment breakdown can hold an invoice in
// both checked releases: a customer order or work order made from the invoice (ЗаказПокупателя.ДокументОснование),
// a transfer (ПеремещениеЗапасов.ДокументОснование), a planned receipt (ПоступлениеДСПлан.ДокументОснование), a
// supplier's receipt (ПриходнаяНакладная.ДокументОснование) and a payment order's breakdown
// (ПлатежноеПоручение.РасшифровкаПлатежа.СчетНаОплату). ЗакрытиеПланируемыхОплат, which can name an invoice too, is
// in 3.0.8.73 only and is not read: the query must resolve in every release. Events («Событие», e.g. the e-mail that
// sent the invoice) are left out: they do not settle or ship anything. No РАЗРЕШЕННЫЕ: a document the service's user may not see must not let the invoice be
// marked, so the query fails on it (the platform raises an access error when a row it would return is hidden) and
// the invoice is left as it is; the profile's roles grant Read on every document read here.
//
// Parameters:
//   Ссылка - ДокументСсылка.СчетНаОплату - the invoice.
//
// Returns:
//   Массив из Структура - at most ten documents, oldest first, or Неопределено when the query failed (some document based on the
//   invoice is hidden from the service's user; the details are in the event log):
//   * Тип - Строка - the document's metadata name (ПоступлениеНаСчет, РасходнаяНакладная, ...).
//   * Номер - Строка - its number.
//   * Дата - Дата - its date.
//
Функция ДокументыНаОсновании(Ссылка)

	Запрос = Новый Запрос;
	Запрос.Текст =
	"ВЫБРАТЬ
	|	ПоСчету.Ссылка КАК Ссылка,
	|	ПоСчету.Ссылка.Номер КАК Номер,
	|	ПоСчету.Ссылка.Дата КАК Дата
	|ИЗ
	|	КритерийОтбора.ДокументыПоСчетуНаОплату(&Счет) КАК ПоСчету
	|ГДЕ
	|	НЕ ПоСчету.Ссылка.ПометкаУдаления
	|	И НЕ ПоСчету.Ссылка ССЫЛКА Документ.Событие
	|	И ПоСчету.Ссылка <> &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	ОплатаКартой.Ссылка,
	|	ОплатаКартой.Номер,
	|	ОплатаКартой.Дата
	|ИЗ
	|	Документ.ОперацияПоПлатежнымКартам КАК ОплатаКартой
	|ГДЕ
	|	НЕ ОплатаКартой.ПометкаУдаления
	|	И ОплатаКартой.ДокументОснование = &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	СтрокаОплатыКартой.Ссылка,
	|	СтрокаОплатыКартой.Ссылка.Номер,
	|	СтрокаОплатыКартой.Ссылка.Дата
	|ИЗ
	|	Документ.ОперацияПоПлатежнымКартам.РасшифровкаПлатежа КАК СтрокаОплатыКартой
	|ГДЕ
	|	НЕ СтрокаОплатыКартой.Ссылка.ПометкаУдаления
	|	И СтрокаОплатыКартой.СчетНаОплату = &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	СтрокаОтАгента.Ссылка,
	|	СтрокаОтАгента.Ссылка.Номер,
	|	СтрокаОтАгента.Ссылка.Дата
	|ИЗ
	|	Документ.ПоступлениеНаСчет.РасшифровкаПлатежаОтАгента КАК СтрокаОтАгента
	|ГДЕ
	|	НЕ СтрокаОтАгента.Ссылка.ПометкаУдаления
	|	И СтрокаОтАгента.СчетНаОплату = &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	ЗаказПоСчету.Ссылка,
	|	ЗаказПоСчету.Номер,
	|	ЗаказПоСчету.Дата
	|ИЗ
	|	Документ.ЗаказПокупателя КАК ЗаказПоСчету
	|ГДЕ
	|	НЕ ЗаказПоСчету.ПометкаУдаления
	|	И ЗаказПоСчету.ДокументОснование = &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	ПеремещениеПоСчету.Ссылка,
	|	ПеремещениеПоСчету.Номер,
	|	ПеремещениеПоСчету.Дата
	|ИЗ
	|	Документ.ПеремещениеЗапасов КАК ПеремещениеПоСчету
	|ГДЕ
	|	НЕ ПеремещениеПоСчету.ПометкаУдаления
	|	И ПеремещениеПоСчету.ДокументОснование = &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	ПланПоступленияПоСчету.Ссылка,
	|	ПланПоступленияПоСчету.Номер,
	|	ПланПоступленияПоСчету.Дата
	|ИЗ
	|	Документ.ПоступлениеДСПлан КАК ПланПоступленияПоСчету
	|ГДЕ
	|	НЕ ПланПоступленияПоСчету.ПометкаУдаления
	|	И ПланПоступленияПоСчету.ДокументОснование = &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	ПриходПоСчету.Ссылка,
	|	ПриходПоСчету.Номер,
	|	ПриходПоСчету.Дата
	|ИЗ
	|	Документ.ПриходнаяНакладная КАК ПриходПоСчету
	|ГДЕ
	|	НЕ ПриходПоСчету.ПометкаУдаления
	|	И ПриходПоСчету.ДокументОснование = &Счет
	|
	|ОБЪЕДИНИТЬ
	|
	|ВЫБРАТЬ
	|	СтрокаПлатежногоПоручения.Ссылка,
	|	СтрокаПлатежногоПоручения.Ссылка.Номер,
	|	СтрокаПлатежногоПоручения.Ссылка.Дата
	|ИЗ
	|	Документ.ПлатежноеПоручение.РасшифровкаПлатежа КАК СтрокаПлатежногоПоручения
	|ГДЕ
	|	НЕ СтрокаПлатежногоПоручения.Ссылка.ПометкаУдаления
	|	И СтрокаПлатежногоПоручения.СчетНаОплату = &Счет
	|
	|УПОРЯДОЧИТЬ ПО
	|	Дата";
	Запрос.УстановитьПараметр("Счет", Ссылка);

	Основанные = Новый Массив;
	Попытка
		Результат = Запрос.Выполнить();
	Исключение
		ЗаписьЖурналаРегистрации(ИмяСобытияЖурнала(), УровеньЖурналаРегистрации.Предупреждение, , ,
			"documents based on an invoice: " + ПодробноеПредставлениеОшибки(ИнформацияОбОшибке()));
		Возврат Неопределено;
	КонецПопытки;
	Выборка = Результат.Выбрать();
	Пока Выборка.Следующий() И Основанные.Количество() < 10 Цикл
		Документ = Новый Структура("Тип, Номер, Дата", ИмяТипаДокумента(Выборка.Ссылка), СокрЛП(Выборка.Номер),
			Выборка.Дата);
		Основанные.Добавить(Документ);
	КонецЦикла;
	Возврат Основанные;

КонецФункции

// Parameters:
//   Ссылка - Произвольный - a reference to a document.
//
// Returns:
//   Строка - the document's metadata name.
//
Функция ИмяТипаДокумента(Ссылка)

	Возврат Метаданные.НайтиПоТипу(ТипЗнч(Ссылка)).Имя;

КонецФункции

// An exclusive managed lock on the invoice until the transaction ends: a person posting or editing it at the same
// moment waits for the mark, or the mark for them.
//
// Parameters:
//   Ссылка - ДокументСсылка.СчетНаОплату - the invoice.
//
Процедура ЗаблокироватьСчет(Ссылка)

	Блокировка = Новый БлокировкаДанных;
	ЭлементБлокировки = Блокировка.Добавить("Документ.СчетНаОплату");
	ЭлементБлокировки.Режим = РежимБлокировкиДанных.Исключительный;
	ЭлементБлокировки.УстановитьЗначение("Ссылка", Ссылка);
	Блокировка.Заблокировать();

КонецПроцедуры

// The rights of the service's user the mark needs, checked before anything is locked: «Изменение» to write the
// invoice, «ОтменаПроведения» because a posted invoice is unposted by the mark.
//
// Returns:
//   Массив из Строка - the missing rights; empty when every right is granted.
//
Функция НедостающиеПраваОтмены()

	Недостает = Новый Массив;
	Для Каждого Право Из СтрРазделить("Изменение,ОтменаПроведения", ",") Цикл
		Если Не ПравоДоступа(Право, Метаданные.НайтиПоПолномуИмени("Документ.СчетНаОплату")) Тогда
			Недостает.Добавить("rights: the service's 1C user lacks «" + Право + "» on Документ.СчетНаОплату"
				+ " (the access group profile in the extension's README)");
		КонецЕсли;
	КонецЦикла;
	Возврат Недостает;

КонецФункции

// Parameters:
//   Комментарий - Строка - the invoice's comment.
//   Причина - Строка - why, may be empty.
//   Момент - Дата - when.
//
// Returns:
//   Строка - the comment with a line saying the shop cancelled the invoice, when and why.
//
Функция КомментарийОтмены(Комментарий, Причина, Момент)

	Строка = СтрШаблон(НСтр("ru = 'Отменён интернет-магазином %1'"), Формат(Момент, "ДФ='yyyy-MM-dd HH:mm'"));
	Если ЗначениеЗаполнено(Причина) Тогда
		Строка = Строка + ": " + Причина;
	КонецЕсли;
	Возврат ?(ЗначениеЗаполнено(Комментарий), Комментарий + Символы.ПС + Строка, Строка);

КонецФункции

// Parameters:
//   Запись - РегистрСведенийМенеджерЗаписи.Магазин_СчетаМагазина - the invoice's record, read under the lock.
//   Причина - Строка - why, may be empty.
//   Момент - Дата - when the invoice was marked.
//
Процедура ЗаписатьОтменуВРегистр(Запись, Причина, Момент)

	Запись.Отменен = Момент;
	Запись.ПричинаОтмены = Причина;
	Запись.Записать(Истина);

КонецПроцедуры

// Records that the shop cancelled a number 1C has made no invoice for: a record with the time and the reason and no
// document. Written under the number's lock, as the create method reads it under the same lock (ОтмененДоСоздания):
// whichever comes first, 1C ends with a marked invoice or with none, never with an unmarked one. An earlier such
// record is left as it is (its time stays the first).
//
// Parameters:
//   НомерСчета - Строка - the shop's invoice number.
//   Причина - Строка - why, may be empty.
//
Процедура ЗаписатьОтменуБезСчета(НомерСчета, Причина)

	Запись = РегистрыСведений.Магазин_СчетаМагазина.СоздатьМенеджерЗаписи();
	Запись.НомерСчетаМагазина = НомерСчета;
	Запись.Прочитать();
	Если Запись.Выбран() Тогда
		Возврат;
	КонецЕсли;
	Запись.НомерСчетаМагазина = НомерСчета;
	Запись.Отменен = ТекущаяДатаСеанса();
	Запись.ПричинаОтмены = Причина;
	Запись.Записать(Истина);

КонецПроцедуры

// Parameters:
//   НомерСчета - Строка - the shop's invoice number.
//
// Returns:
//   Булево - the shop cancelled this number before 1C made an invoice for it (ЗаписатьОтменуБезСчета).
//
Функция ОтмененДоСоздания(НомерСчета)

	Запись = РегистрыСведений.Магазин_СчетаМагазина.СоздатьМенеджерЗаписи();
	Запись.НомерСчетаМагазина = НомерСчета;
	Запись.Прочитать();
	Возврат Запись.Выбран() И ЗначениеЗаполнено(Запись.Отменен) И Не ЗначениеЗаполнено(Запись.ИдентификаторДокумента);

КонецФункции

// Parameters:
//   Значение - Строка, Неопределено - the URL template's parameter.
//
// Returns:
//   Строка - the invoice number, percent-escapes decoded (the platform may hand the parameter over as sent).
//
Функция НомерСчетаИзАдреса(Значение)

	Если ТипЗнч(Значение) <> Тип("Строка") Тогда
		Возврат "";
	КонецЕсли;
	Если СтрНайти(Значение, "%") > 0 Тогда
		Возврат РаскодироватьСтроку(Значение, СпособКодированияСтроки.КодировкаURL);
	КонецЕсли;
	Возврат Значение;

КонецФункции

// The reason of the request: an empty body, or a JSON object whose optional "reason" is a string of at most 200
// characters (the register's length). It is the shop's text, kept in 1C as it is; it never reaches an answer.
//
// Parameters:
//   Запрос - HTTPСервисЗапрос - the request of the HTTP service.
//   Ошибки - Массив из Строка - a problem is added here.
//
// Returns:
//   Строка - the reason, may be empty.
//
Функция ПричинаОтмены(Запрос, Ошибки)

	Текст = Запрос.ПолучитьТелоКакСтроку(КодировкаТекста.UTF8);
	Если Не ЗначениеЗаполнено(СокрЛП(Текст)) Тогда
		Возврат "";
	КонецЕсли;
	Данные = ПрочитатьТелоЗапроса(Запрос);
	Если Данные = Неопределено Тогда
		Ошибки.Добавить("body must be empty or a JSON object");
		Возврат "";
	КонецЕсли;
	Причина = Данные.Получить("reason");
	Если Причина = Неопределено Тогда
		Возврат "";
	КонецЕсли;
	Если ТипЗнч(Причина) <> Тип("Строка") Или СтрДлина(Причина) > НаибольшаяДлинаПричины() Тогда
		Ошибки.Добавить("reason: must be a string of at most " + Формат(НаибольшаяДлинаПричины(), "ЧГ=0")
			+ " characters");
		Возврат "";
	КонецЕсли;
	Возврат СокрЛП(Причина);

КонецФункции

#КонецОбласти

#Область Ответы

Функция ОтветСчет(КодСостояния, Статус, Существующий, НомерСчета, ИдентификаторДокумента, НомерДокумента)

	Тело = Новый Структура;
	Тело.Вставить("status", Статус);
	Тело.Вставить("existing", Существующий);
	Тело.Вставить("invoice_number", НомерСчета);
	Тело.Вставить("document_id", ИдентификаторДокумента);
	Тело.Вставить("number", СокрЛП(НомерДокумента));
	Возврат ОтветJSON(КодСостояния, Тело);

КонецФункции

// Parameters:
//   Статус - Строка - cancelled or already_cancelled.
//   Ранее - Булево - the invoice was cancelled before this call.
//   НомерСчета - Строка - the shop's invoice number.
//   Записанный - РегистрСведенийМенеджерЗаписи.Магазин_СчетаМагазина - the invoice's record.
//
// Returns:
//   HTTPСервисОтвет - 200.
//
Функция ОтветОтмена(Статус, Ранее, НомерСчета, Записанный)

	Тело = Новый Структура;
	Тело.Вставить("status", Статус);
	Тело.Вставить("already_cancelled", Ранее);
	Тело.Вставить("invoice_number", НомерСчета);
	Тело.Вставить("document_id", Записанный.ИдентификаторДокумента);
	Тело.Вставить("number", СокрЛП(Записанный.НомерДокумента));
	Тело.Вставить("cancelled_at", ДатаВремяUTC(Записанный.Отменен));
	Возврат ОтветJSON(200, Тело);

КонецФункции

// Returns:
//   HTTPСервисОтвет - 409: the shop cancelled this number before 1C made its invoice; none will be made.
//
Функция ОтветОтмененДоСоздания()

	Возврат ОтветОтказ(409, "cancelled", ОдинЭлемент("invoice_number: the shop cancelled this number before 1C made"
		+ " an invoice for it; none will be made"));

КонецФункции

// Returns:
//   HTTPСервисОтвет - 404: the service never made an invoice for this number.
//
Функция ОтветНетСчета()

	Возврат ОтветОтказ(404, "not_found", ОдинЭлемент("invoice_number: 1C has no invoice made by this service for"
		+ " this number; nothing to cancel"));

КонецФункции

// The invoice has documents based on it: it is left as it is and the accountant decides (the exporter puts the
// order in its dead-letter queue with a reason of its own). Names the documents by kind, number and date: no
// personal data.
//
// Parameters:
//   Основанные - Массив из Структура - from ДокументыНаОсновании:
//   * Тип - Строка - the document's metadata name.
//   * Номер - Строка - its number.
//   * Дата - Дата - its date.
//
// Returns:
//   HTTPСервисОтвет - 409.
//
Функция ОтветЕстьДокументы(Основанные)

	Описания = Новый Массив;
	Документы = Новый Массив;
	Для Каждого Основанный Из Основанные Цикл
		Описания.Добавить(Основанный.Тип + " " + Основанный.Номер + " of " + Формат(Основанный.Дата, "ДФ=yyyy-MM-dd"));
		Документ = Новый Структура;
		Документ.Вставить("type", Основанный.Тип);
		Документ.Вставить("number", Основанный.Номер);
		Документ.Вставить("date", Формат(Основанный.Дата, "ДФ=yyyy-MM-dd"));
		Документы.Добавить(Документ);
	КонецЦикла;
	Тело = Новый Структура;
	Тело.Вставить("status", "has_based_documents");
	Тело.Вставить("errors", ОдинЭлемент("documents: " + Формат(Основанные.Количество(), "ЧГ=0")
		+ " document(s) in 1C are based on this invoice (" + СтрСоединить(Описания, ", ")
		+ "); the invoice is left as it is, the accountant decides"));
	Тело.Вставить("documents", Документы);
	Возврат ОтветJSON(409, Тело);

КонецФункции

// The documents based on the invoice could not be read: some are hidden from the service's user by its access
// group. They exist (the platform raises the error only for a row it would return), so the invoice is left as it is.
//
// Returns:
//   HTTPСервисОтвет - 409.
//
Функция ОтветЕстьСкрытыеДокументы()

	Тело = Новый Структура;
	Тело.Вставить("status", "has_based_documents");
	Тело.Вставить("errors", ОдинЭлемент("documents: the invoice has documents based on it in 1C that the service's"
		+ " user may not read (its access group's restrictions, see the event log); the invoice is left as it is,"
		+ " the accountant decides"));
	Тело.Вставить("documents", Новый Массив);
	Возврат ОтветJSON(409, Тело);

КонецФункции

// The details stay in the event log; the caller gets an id to find them, never the text itself (it may name the
// buyer, and it would end up in the exporter's logs and dead-letter queue).
//
// Parameters:
//   Информация - ИнформацияОбОшибке - the exception.
//
// Returns:
//   HTTPСервисОтвет - 500.
//
Функция ОтветВнутренняяОшибка(Информация)

	ИдентификаторОшибки = Строка(Новый УникальныйИдентификатор);
	ЗаписьЖурналаРегистрации(ИмяСобытияЖурнала(), УровеньЖурналаРегистрации.Ошибка, , ,
		"error_id " + ИдентификаторОшибки + Символы.ПС + ПодробноеПредставлениеОшибки(Информация));
	ТелоОтвета = Новый Структура;
	ТелоОтвета.Вставить("status", "error");
	ТелоОтвета.Вставить("error_id", ИдентификаторОшибки);
	ТелоОтвета.Вставить("errors", ОдинЭлемент("internal error in 1C, see the event log ("
		+ ИмяСобытияЖурнала() + ") entry with this error_id"));
	Возврат ОтветJSON(500, ТелоОтвета);

КонецФункции

Функция ОтветОшибка(КодСостояния, Ошибки)

	Тело = Новый Структура;
	Тело.Вставить("status", "error");
	Тело.Вставить("errors", Ошибки);
	Возврат ОтветJSON(КодСостояния, Тело);

КонецФункции

// 1C is reachable but not set up for the shop: the exporter waits (Retry-After), raises an alert and keeps the
// order's attempts; nothing goes to its dead-letter queue for this.
//
// Parameters:
//   Проблемы - Массив из Строка - what the administrator must set.
//
// Returns:
//   HTTPСервисОтвет - 503.
//
Функция ОтветНеНастроено(Проблемы)

	Тело = Новый Структура;
	Тело.Вставить("status", "not_configured");
	Тело.Вставить("errors", Проблемы);
	Ответ = ОтветJSON(503, Тело);
	Ответ.Заголовки.Вставить("Retry-After", "300");
	Возврат Ответ;

КонецФункции

// A refusal the exporter must not retry: 403 access_denied (the service's rights), 422 period_closed.
//
// Parameters:
//   КодСостояния - Число - the HTTP status.
//   Статус - Строка - the answer's status.
//   Ошибки - Массив из Строка - what is wrong, naming fields, never personal values.
//
// Returns:
//   HTTPСервисОтвет - the answer.
//
Функция ОтветОтказ(КодСостояния, Статус, Ошибки)

	Тело = Новый Структура;
	Тело.Вставить("status", Статус);
	Тело.Вставить("errors", Ошибки);
	Возврат ОтветJSON(КодСостояния, Тело);

КонецФункции

// The access group of the service's user forbids this write (a record-level restriction by organisation or
// counterparty group): a permanent refusal naming the object, never a 500 retried for ever.
//
// Parameters:
//   Имя - Строка - the object's full name.
//
// Returns:
//   HTTPСервисОтвет - 403.
//
Функция ОтветЗаписьЗапрещена(Имя)

	Возврат ОтветОтказ(403, "access_denied", ОдинЭлемент("rights: the access group of the service's 1C user does not"
		+ " allow this write to " + Имя + " (access kinds «Организации», «Группы контактов и контрагентов»: see the"
		+ " extension's README)"));

КонецФункции

// УНФ's filling check failed: names what it requires, never its message texts (they may name products or
// people). A line's field (Запасы[N].Поле) is the order's data: 400 naming items[N], fixed on the product card or in
// the shop, then requeued. Anything else (the header, the buyer, the contract) comes from the settings and the
// defaults of 1C: 503 not_configured, which the exporter waits out without spending the order's attempts.
//
// Parameters:
//   Сообщения - Массив из СообщениеПользователю - the messages of ПроверитьЗаполнение.
//   Что - Строка - what was checked: invoice, buyer, contract.
//
// Returns:
//   HTTPСервисОтвет - 400 or 503.
//
Функция ОтветНеЗаполнено(Сообщения, Что)

	Строки = Новый Массив;
	Прочие = Новый Массив;
	Для Каждого Сообщение Из Сообщения Цикл
		Поле = Сообщение.Поле;
		Позиция = СтрНайти(Поле, "Запасы[");
		Если Что = "invoice" И Позиция > 0 Тогда
			Хвост = Сред(Поле, Позиция + 7);
			Индекс = Лев(Хвост, СтрНайти(Хвост, "]") - 1);
			Колонка = Сред(Хвост, СтрНайти(Хвост, "]") + 2);
			Если ТолькоЦифры(Индекс) Тогда
				Строки.Добавить("items[" + Индекс + "]: 1C requires " + Колонка + " on the line (check the product card)");
				Продолжить;
			КонецЕсли;
		КонецЕсли;
		Имя = Поле;
		Точка = СтрНайти(Имя, ".", НаправлениеПоиска.СКонца);
		Если Точка > 0 Тогда
			Имя = Сред(Имя, Точка + 1);
		КонецЕсли;
		Прочие.Добавить(Что + ": 1C requires " + ?(ЗначениеЗаполнено(Имя), Имя, "a field it did not name")
			+ " (check the settings, the organisation and the defaults for new counterparties)");
	КонецЦикла;

	Если Прочие.Количество() = 0 И Строки.Количество() > 0 Тогда
		Возврат ОтветОшибка(400, Строки);
	КонецЕсли;
	Если Прочие.Количество() = 0 Тогда
		Прочие.Добавить(Что + ": 1C's filling check failed without naming a field (see the event log)");
	КонецЕсли;
	Для Каждого Текст Из Строки Цикл
		Прочие.Добавить(Текст);
	КонецЦикла;
	Возврат ОтветНеНастроено(Прочие);

КонецФункции

Функция ОтветJSON(КодСостояния, Тело)

	Запись = Новый ЗаписьJSON;
	Запись.УстановитьСтроку(Новый ПараметрыЗаписиJSON(ПереносСтрокJSON.Нет));
	ЗаписатьJSON(Запись, Тело);

	Ответ = Новый HTTPСервисОтвет(КодСостояния);
	Ответ.Заголовки.Вставить("Content-Type", "application/json; charset=utf-8");
	Ответ.УстановитьТелоИзСтроки(Запись.Закрыть(), КодировкаТекста.UTF8, ИспользованиеByteOrderMark.НеИспользовать);
	Возврат Ответ;

КонецФункции

#КонецОбласти

#Область Строки

Функция ОдинЭлемент(Текст)

	Массив = Новый Массив;
	Массив.Добавить(Текст);
	Возврат Массив;

КонецФункции

Функция ПутьСтроки(Индекс)

	Возврат "items[" + Формат(Индекс, "ЧН=0; ЧГ=0") + "]";

КонецФункции

// Parameters:
//   Значение - Число - any number.
//
// Returns:
//   Строка - the number the way JSON writes it: a dot, no group separators ("15.15", "0"), never "15,15".
//
Функция ЧислоJSON(Значение)

	Возврат Формат(Значение, "ЧРД=.; ЧН=0; ЧГ=0");

КонецФункции

// Parameters:
//   Значение - Произвольный - a value read from the request.
//
// Returns:
//   Строка - the JSON type of the value (never the value: it may be personal data).
//
Функция ТипJSON(Значение)

	Если Значение = Неопределено Тогда
		Возврат "null";
	ИначеЕсли ТипЗнч(Значение) = Тип("Строка") Тогда
		Возврат "a string";
	ИначеЕсли ТипЗнч(Значение) = Тип("Булево") Тогда
		Возврат "a boolean";
	ИначеЕсли ТипЗнч(Значение) = Тип("Массив") Тогда
		Возврат "an array";
	Иначе
		Возврат "an object";
	КонецЕсли;

КонецФункции

Функция ЭтоНепустаяСтрока(Значение)

	Возврат ТипЗнч(Значение) = Тип("Строка") И ЗначениеЗаполнено(СокрЛП(Значение));

КонецФункции

// Parameters:
//   Текст - Строка - any text.
//
// Returns:
//   Булево - the text is not empty and has digits only.
//
Функция ТолькоЦифры(Текст)

	Если СтрДлина(Текст) = 0 Тогда
		Возврат Ложь;
	КонецЕсли;
	Для Позиция = 1 По СтрДлина(Текст) Цикл
		Если СтрНайти("0123456789", Сред(Текст, Позиция, 1)) = 0 Тогда
			Возврат Ложь;
		КонецЕсли;
	КонецЦикла;
	Возврат Истина;

КонецФункции

// Parameters:
//   Момент - Дата - a time of the session (the infobase's time zone).
//
// Returns:
//   Строка - the moment in UTC as JSON writes it: 2026-02-20T10:15:00Z.
//
Функция ДатаВремяUTC(Момент)

	ВUTC = УниверсальноеВремя(Момент);
	Возврат Формат(ВUTC, "ДФ=yyyy-MM-dd") + "T" + Формат(ВUTC, "ДФ=HH:mm:ss") + "Z";

КонецФункции

Функция ИмяСобытияЖурнала()

	Возврат НСтр("ru = 'Счета из интернет-магазина.Ошибка'", "ru");

КонецФункции

#КонецОбласти

#КонецОбласти
