// HTTP service «invoices»: POST /hs/invoices creates «Счёт на оплату» from a paid shop order.
// All the work is in the common module Магазин_СчетаНаОплату; the answers are documented there.

#Область ОбработчикиСобытий

Функция СчетаPOST(Запрос)

	Возврат Магазин_СчетаНаОплату.ОбработатьЗапрос(Запрос);

КонецФункции

#КонецОбласти
