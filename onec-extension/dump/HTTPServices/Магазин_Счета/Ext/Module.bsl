// HTTP service «invoices»: POST /hs/invoices creates «Счёт на оплату» from a paid shop order;
// POST /hs/invoices/{invoice_number}/cancel marks it for deletion when the shop refunds or cancels the order.
// All the work is in the common module Магазин_СчетаНаОплату; the answers are documented there.

#Область ОбработчикиСобытий

Функция СчетаPOST(Запрос)

	Возврат Магазин_СчетаНаОплату.ОбработатьЗапрос(Запрос);

КонецФункции

Функция ОтменаPOST(Запрос)

	Возврат Магазин_СчетаНаОплату.ОбработатьОтмену(Запрос);

КонецФункции

#КонецОбласти
