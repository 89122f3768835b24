// The operations console's page logic: renders the JSON API (/api/...) into the page. No framework, no network
// access beyond this console. Text in English and Russian; the server picks the language (html lang).
'use strict';

const TEXT = {
  en: {
    'nav.overview': 'Overview', 'nav.dlq': 'Dead-letter queue', 'search.placeholder': 'Order id or invoice number',
    'search.go': 'Find', 'role.operator': 'signed in as operator', 'role.viewer': 'signed in as viewer (read-only)',
    'confirm.cancel': 'Cancel', 'confirm.ok': 'Yes, requeue',
    'overview.title': 'Overview', 'updated': 'updated {t}', 'loading': 'Loading…', 'error.load': 'Could not load: {e}',
    'q.ready': 'Waiting', 'q.delayed': 'Waiting for a retry', 'q.active': 'Being exported', 'q.dlq': 'Need a person (DLQ)',
    'q.oldest': 'Oldest waiting', 'rates': 'Last {m} minutes', 'rate.exported': 'Invoices per minute',
    'rate.attempts': 'Attempts by outcome', 'times': 'Export time (last {m} minutes, {n} exports)',
    'times.job': 'queued → in 1C', 'times.call': '1C call', 'onec': '1C', 'onec.ok': 'answers',
    'onec.paused': 'paused by the circuit breaker since {t}', 'onec.down': 'failing since {t}',
    'onec.not_configured': 'not configured (the extension lacks a setting) since {t}', 'onec.unknown': 'no calls in the last day',
    'onec.access_refused': 'refuses the exporter since {t}: wrong ONEC_USERNAME/ONEC_PASSWORD (401) or the 1C user lacks rights (403); jobs wait, none goes to the DLQ',
    'onec.last': 'last call {t}: {o}', 'workers': 'Workers seen in the last 30 s', 'workers.none': 'No worker is running: nothing gets exported.',
    'w.id': 'Worker', 'w.seen': 'Seen', 'w.circuit': 'Circuit', 'w.busy': 'Jobs in progress', 'counters': 'Counters since the start',
    'dlq.title': 'Dead-letter queue', 'dlq.empty': 'The dead-letter queue is empty.', 'dlq.requeue': 'Requeue',
    'dlq.requeueAll': 'Requeue these {n}', 'dlq.requeueEvery': 'Requeue every entry ({n})',
    'dlq.confirmEvery': 'Requeue every DLQ entry ({n}), whatever its reason? Do this only once every cause is fixed.',
    'dlq.confirmOne': 'Requeue order {id}? It is exported again from the start.',
    'dlq.confirmAll': 'Requeue all {n} orders with reason “{r}”? Do this only once the cause is fixed.',
    'dlq.done': 'Requeued: {n}.', 'dlq.total': '{n} entries',
    'dlq.partial': 'Shown: the newest {shown} of {n} entries. All of them: ops/onec-exporter dlq list.',
    'dlq.beyond': 'Its entries are older than the ones shown; the button requeues them all.',
    'error.throttled': 'Too many wrong passwords from this address: try again in {s} s.',
    'col.order': 'Order', 'col.invoice': 'Invoice', 'col.attempts': 'Attempts', 'col.error': 'Last error', 'col.when': 'When',
    'col.who': 'Who', 'col.outcome': 'Outcome', 'col.http': 'HTTP', 'col.duration': 'Took', 'col.permit': 'Waited for 1C',
    'col.details': 'Details', 'col.n': '#',
    'order.title': 'Order {id}', 'order.attempts': 'Attempts, oldest first', 'order.noAttempts': 'No attempts recorded.',
    'order.notFound': 'There is no order {id}.', 'order.export': 'Queue the export', 'order.queued': 'Queued.',
    'order.facts': 'The order', 'f.status': 'Status', 'f.paid_at': 'Paid', 'f.invoice': 'Invoice number',
    'f.exported_at': 'Exported', 'f.doc': '1C document', 'f.trace': 'Trace', 'f.traceHint': 'OpenTelemetry trace id: search for it in Jaeger or Grafana Tempo', 'f.job': 'Job', 'f.due': 'Next try', 'f.lastError': 'Last error',
    'f.reason': 'Reason', 'f.enqueued': 'Queued at',
    'where.exported': 'The invoice is in 1C: {inv}, document {doc}, since {t}.',
    'where.queued': 'Waiting in the queue to be exported.', 'where.exporting': 'Being exported right now.',
    'where.waiting_retry': 'The last try failed; the next one is at {t}.',
    'where.dlq': 'Not exported: it is in the dead-letter queue ({r}). Fix the cause, then requeue it.',
    'where.not_queued': 'Paid but not queued yet; the reconciler queues it within minutes, or queue it now.',
    'where.not_paid': 'Not paid (status “{s}”): no invoice is made before payment.',
    'where.unknown_order': 'No such order.',
    'where.cancelled': 'The invoice {inv} was created in 1C and is now marked for deletion there (the order was refunded or cancelled), since {t}.',
    'where.never_created': 'Refunded or cancelled before its invoice was created: 1C has no invoice for it, and none will be made.',
    'where.cancelling': 'Refunded or cancelled: the cancellation of its invoice in 1C is queued or running ({st}).',
    'where.cancel_dlq': 'Refunded or cancelled, but the invoice could not be cancelled in 1C ({r}): it is in the dead-letter queue.',
    'where.cancel_refused': '1C refused to cancel the invoice {inv} ({a}): the accountant decides in 1C.',
    'where.cancel_not_queued': 'Refunded or cancelled in the shop, but the cancellation of its invoice {inv} in 1C is not queued yet: the reconciler queues it within minutes, or the administrator asks for it (enqueue --cancel).',
    'f.life': 'Life of the invoice', 'f.cancelJob': 'Cancellation job', 'dlq.cancellation': 'cancellation',
    'life.paid': 'paid', 'life.created': 'created in 1C', 'life.refunded': 'refunded', 'life.cancelled_status': 'cancelled in the shop',
    'life.cancel_requested': 'cancellation asked', 'life.cancelled': 'marked for deletion in 1C',
    'life.never_created': 'never created in 1C', 'life.cancel_refused': '1C refused to cancel',
    'search.none': 'No order with id or invoice number “{q}”.',
    'yes': 'yes', 'no': 'no', 'never': '—', 'unit.s': 's', 'unit.ms': 'ms', 'f.jobLine': '{state}, attempts {n}',
    'counter.dead_reason': 'to the DLQ: {r}',
    'charts.title': 'Last {h} h', 'charts.title1': 'Last hour', 'charts.window': 'Period', 'charts.hours': '{h} h',
    'period.1': 'the last hour', 'period.n': 'the last {h} h',
    'chart.exported': 'Invoices per minute', 'chart.failures': 'Failed attempts by reason',
    'chart.calls': '1C call time, P50 and P95',
    'axis.perMinute': 'per minute', 'axis.attempts': 'attempts', 'axis.callTime': 'call time', 'axis.time': 'time',
    'chart.exported.desc': 'Invoices exported from {from} to {to}: {n}, at most {peak} per minute.',
    'chart.failures.desc': 'Failed attempts from {from} to {to}: {n} ({list}).',
    'chart.calls.desc': 'Timed 1C calls from {from} to {to}: {n}; P50 {p50}, P95 {p95}.',
    'chart.exported.empty': 'No invoice exported in {period}.',
    'chart.failures.empty': 'No failed attempt in {period}.',
    'chart.calls.empty': 'No timed 1C call in {period}.',
    'chart.calls.from': 'Call times are known from {t}: the workers keep the last 10,000 exports.',
    'chart.bar.exported': '{from}–{to}: invoices: {n}, {rate} per minute',
    'chart.bar.failures': '{from}–{to}: {list}',
    'chart.point.calls': '{from}–{to}: P50 {p50}, P95 {p95}, calls: {n}',
    'chart.attemptsError': 'The attempt history is unavailable.',
    'chart.callsError': 'Redis is unreachable: the call times are unknown.',
  },
  ru: {
    'nav.overview': 'Обзор', 'nav.dlq': 'Очередь ошибок', 'search.placeholder': 'Номер заказа или счёта',
    'search.go': 'Найти', 'role.operator': 'вы вошли как оператор', 'role.viewer': 'вы вошли как наблюдатель (только просмотр)',
    'confirm.cancel': 'Отмена', 'confirm.ok': 'Да, отправить снова',
    'overview.title': 'Обзор', 'updated': 'обновлено в {t}', 'loading': 'Загрузка…', 'error.load': 'Не удалось загрузить: {e}',
    'q.ready': 'Ждут выгрузки', 'q.delayed': 'Ждут повтора', 'q.active': 'Выгружаются', 'q.dlq': 'В очереди ошибок (DLQ)',
    'q.oldest': 'Дольше всех ждёт', 'rates': 'За последние {m} минут', 'rate.exported': 'Счетов в минуту',
    'rate.attempts': 'Попытки по итогам', 'times': 'Время выгрузки (последние {m} минут, выгрузок: {n})',
    'times.job': 'от постановки до 1С', 'times.call': 'вызов 1С', 'onec': '1С', 'onec.ok': 'отвечает',
    'onec.paused': 'выгрузка приостановлена предохранителем с {t}', 'onec.down': 'не отвечает с {t}',
    'onec.not_configured': 'не настроена (в расширении не заполнена настройка) с {t}', 'onec.unknown': 'за сутки обращений не было',
    'onec.access_refused': '1С не пускает выгрузку с {t}: неверные ONEC_USERNAME/ONEC_PASSWORD (401) или у пользователя 1С нет прав (403); задания ждут, в очередь ошибок не попадают',
    'onec.last': 'последнее обращение {t}: {o}', 'workers': 'Воркеры за последние 30 с', 'workers.none': 'Ни один воркер не запущен: счета не выгружаются.',
    'w.id': 'Воркер', 'w.seen': 'Был на связи', 'w.circuit': 'Предохранитель', 'w.busy': 'В работе', 'counters': 'Счётчики с начала работы',
    'dlq.title': 'Очередь ошибок (DLQ)', 'dlq.empty': 'Очередь ошибок пуста.', 'dlq.requeue': 'Отправить снова',
    'dlq.requeueAll': 'Отправить снова эти ({n})', 'dlq.requeueEvery': 'Отправить снова все записи ({n})',
    'dlq.confirmEvery': 'Отправить снова все записи очереди ошибок ({n}) с любой причиной? Делайте это, только когда устранены все причины.',
    'dlq.confirmOne': 'Отправить заказ {id} снова? Выгрузка начнётся сначала.',
    'dlq.confirmAll': 'Отправить снова все заказы ({n}) с причиной «{r}»? Делайте это, только когда причина устранена.',
    'dlq.done': 'Отправлено снова: {n}.', 'dlq.total': 'записей: {n}',
    'dlq.partial': 'Показаны последние {shown} из {n} записей. Все записи: ops/onec-exporter dlq list.',
    'dlq.beyond': 'Записи этой причины старше показанных; кнопка отправит снова их все.',
    'error.throttled': 'Слишком много неверных паролей с этого адреса: повторите через {s} с.',
    'col.order': 'Заказ', 'col.invoice': 'Счёт', 'col.attempts': 'Попыток', 'col.error': 'Последняя ошибка', 'col.when': 'Когда',
    'col.who': 'Кто', 'col.outcome': 'Итог', 'col.http': 'HTTP', 'col.duration': 'Заняло', 'col.permit': 'Ждали очереди в 1С',
    'col.details': 'Подробности', 'col.n': '№',
    'order.title': 'Заказ {id}', 'order.attempts': 'Попытки, по порядку', 'order.noAttempts': 'Попыток не было.',
    'order.notFound': 'Заказа {id} нет.', 'order.export': 'Поставить в выгрузку', 'order.queued': 'Поставлен в очередь.',
    'order.facts': 'Заказ', 'f.status': 'Статус', 'f.paid_at': 'Оплачен', 'f.invoice': 'Номер счёта',
    'f.exported_at': 'Выгружен', 'f.doc': 'Документ 1С', 'f.trace': 'Трассировка', 'f.traceHint': 'Идентификатор трассировки OpenTelemetry: найдите его в Jaeger или Grafana Tempo', 'f.job': 'Задание', 'f.due': 'Следующая попытка', 'f.lastError': 'Последняя ошибка',
    'f.reason': 'Причина', 'f.enqueued': 'Поставлен в очередь',
    'where.exported': 'Счёт в 1С: {inv}, документ {doc}, выгружен {t}.',
    'where.queued': 'Ждёт своей очереди на выгрузку.', 'where.exporting': 'Выгружается прямо сейчас.',
    'where.waiting_retry': 'Последняя попытка не удалась; следующая — {t}.',
    'where.dlq': 'Не выгружен: заказ в очереди ошибок ({r}). Устраните причину и отправьте его снова.',
    'where.not_queued': 'Оплачен, но ещё не в очереди: сверка поставит его в течение нескольких минут, или поставьте сейчас.',
    'where.not_paid': 'Не оплачен (статус «{s}»): до оплаты счёт не создаётся.',
    'where.unknown_order': 'Такого заказа нет.',
    'where.cancelled': 'Счёт {inv} был создан в 1С и теперь помечен там на удаление (заказ возвращён или отменён), с {t}.',
    'where.never_created': 'Возвращён или отменён до того, как счёт был создан: в 1С счёта нет и не будет.',
    'where.cancelling': 'Возвращён или отменён: отмена счёта в 1С ждёт в очереди или выполняется ({st}).',
    'where.cancel_dlq': 'Возвращён или отменён, но счёт в 1С отменить не удалось ({r}): задание в очереди ошибок.',
    'where.cancel_refused': '1С отказалась отменять счёт {inv} ({a}): решает бухгалтер в 1С.',
    'where.cancel_not_queued': 'Возвращён или отменён в магазине, но отмена счёта {inv} в 1С ещё не в очереди: сверка поставит её в течение нескольких минут, или администратор запросит её сам (enqueue --cancel).',
    'f.life': 'История счёта', 'f.cancelJob': 'Задание на отмену', 'dlq.cancellation': 'отмена счёта',
    'life.paid': 'оплачен', 'life.created': 'создан в 1С', 'life.refunded': 'возврат', 'life.cancelled_status': 'отменён в магазине',
    'life.cancel_requested': 'запрошена отмена', 'life.cancelled': 'помечен на удаление в 1С',
    'life.never_created': 'в 1С не создавался', 'life.cancel_refused': '1С отказалась отменять',
    'search.none': 'Заказ с номером или счётом «{q}» не найден.',
    'yes': 'да', 'no': 'нет', 'never': '—', 'unit.s': 'с', 'unit.ms': 'мс', 'f.jobLine': '{state}, попыток: {n}',
    'counter.dead_reason': 'в очередь ошибок: {r}',
    'charts.title': 'За последние {h} ч', 'charts.title1': 'За последний час', 'charts.window': 'Период', 'charts.hours': '{h} ч',
    'period.1': 'последний час', 'period.n': 'последние {h} ч',
    'chart.exported': 'Счетов в минуту', 'chart.failures': 'Неудачные попытки по причинам',
    'chart.calls': 'Время вызова 1С, P50 и P95',
    'axis.perMinute': 'в минуту', 'axis.attempts': 'попыток', 'axis.callTime': 'время вызова', 'axis.time': 'время',
    'chart.exported.desc': 'С {from} до {to} выгружено счетов: {n}, не больше {peak} в минуту.',
    'chart.failures.desc': 'С {from} до {to} неудачных попыток: {n} ({list}).',
    'chart.calls.desc': 'С {from} до {to} вызовов 1С с замером времени: {n}; P50 — {p50}, P95 — {p95}.',
    'chart.exported.empty': 'За {period} счета не выгружались.',
    'chart.failures.empty': 'За {period} неудачных попыток не было.',
    'chart.calls.empty': 'За {period} вызовов 1С с замером времени не было.',
    'chart.calls.from': 'Время вызовов известно с {t}: воркеры хранят последние 10 000 выгрузок.',
    'chart.bar.exported': '{from}–{to}: счетов: {n}, {rate} в минуту',
    'chart.bar.failures': '{from}–{to}: {list}',
    'chart.point.calls': '{from}–{to}: P50 {p50}, P95 {p95}, вызовов: {n}',
    'chart.attemptsError': 'История попыток недоступна.',
    'chart.callsError': 'Redis недоступен: время вызовов неизвестно.',
  },
};

const REASONS = {
  en: {
    exhausted: '1C kept failing until the retries ran out (1C down, network). Once 1C answers again, requeue them.',
    refused_by_1c: '1C refused the invoice: an articul unknown in 1C, a product card UNF cannot use (period_closed: the date is in a closed period, the accountant decides). Fix it in 1C or in the order, then requeue.',
    invalid: 'The order’s data cannot make an invoice (no lines, bad phone, totals). Fix the order, then requeue.',
    not_paid: 'The order was not paid when it was tried. Once it is paid, requeue (the reconciler does it too).',
    not_found: 'No such order in the database when it was tried.',
    stalled: 'Workers died while exporting it several times. Check the workers, then requeue.',
    malformed: 'Not an order id (pushed by hand).',
    infrastructure: 'Our own database or Redis kept failing on this order until INFRA_RETRY_DELAYS ran out (a view that cannot be updated, a revoked privilege, a trigger). Fix it (see the worker log), then requeue.',
    invoice_has_documents: 'The order was refunded or cancelled, but its invoice in 1C has documents based on it (a payment, a shipment): 1C left the invoice as it was. The accountant decides: handle the return in 1C (a refund, a return of goods) and mark the invoice there, or unpost the payment or shipment and requeue.',
    invoice_not_found: 'The order was refunded or cancelled, but 1C has no invoice for its invoice number: nothing to mark. Check in 1C (the invoice may have been deleted there), then delete the entry.',
  },
  ru: {
    exhausted: '1С не отвечала, пока не кончились повторы (1С недоступна, сеть). Когда 1С снова отвечает — отправьте снова.',
    refused_by_1c: '1С отказала: нет номенклатуры с таким артикулом, карточка товара не подходит УНФ (period_closed — дата в закрытом периоде, решает бухгалтер). Исправьте в 1С или в заказе и отправьте снова.',
    invalid: 'По данным заказа счёт не составить (нет строк, неверный телефон, не сходятся суммы). Исправьте заказ и отправьте снова.',
    not_paid: 'Заказ не был оплачен в момент попытки. После оплаты отправьте снова (сверка делает это и сама).',
    not_found: 'Заказа не было в базе в момент попытки.',
    stalled: 'Воркеры несколько раз падали во время выгрузки. Проверьте их и отправьте снова.',
    malformed: 'Это не номер заказа (добавлено вручную).',
    infrastructure: 'Наша собственная база или Redis раз за разом ошибались на этом заказе, пока не кончились INFRA_RETRY_DELAYS (представление без триггера, отозванные права, триггер). Исправьте (см. журнал воркера) и отправьте снова.',
    invoice_has_documents: 'Заказ возвращён или отменён, но на основании его счёта в 1С уже есть документы (оплата, отгрузка): 1С оставила счёт как есть. Решает бухгалтер: оформить возврат в 1С (возврат денег, возврат товара) и пометить счёт на удаление там же или отменить проведение оплаты или отгрузки и отправить снова.',
    invoice_not_found: 'Заказ возвращён или отменён, но в 1С нет счёта с его номером: помечать нечего. Проверьте в 1С (счёт могли удалить), затем удалите запись.',
  },
};

const OUTCOMES = {
  en: { exported: 'exported', already_exported: 'already exported', rejected_not_found: 'no such order',
    rejected_not_paid: 'not paid', rejected_invalid: 'invalid order', rejected_refused_by_1c: 'refused by 1C',
    transient_failure: '1C failed (retried)', not_configured: '1C not configured', not_called: 'not sent (our side)',
    record_failed: 'accepted, not recorded', onec_down: 'held back: 1C down', cap_full: 'held back: 1C busy',
    failed: 'failed',
    not_created: 'not created (refunded first)',
    cancelled: 'invoice marked for deletion', already_cancelled: 'already marked', cancel_not_created: 'cancelled: 1C never had it',
    cancel_transient_failure: 'cancellation: 1C failed (retried)', cancel_rejected_invoice_has_documents: 'cancellation refused: documents based on it',
    cancel_rejected_invoice_not_found: 'cancellation: no such invoice in 1C', cancel_not_called: 'cancellation not sent (our side)',
    cancel_onec_down: 'cancellation held: 1C down', cancel_cap_full: 'cancellation held: 1C busy', cancel_not_configured: 'cancellation: 1C not configured' },
  ru: { exported: 'выгружен', already_exported: 'уже был выгружен', rejected_not_found: 'нет такого заказа',
    rejected_not_paid: 'не оплачен', rejected_invalid: 'ошибка в заказе', rejected_refused_by_1c: '1С отказала',
    transient_failure: 'сбой 1С (будет повтор)', not_configured: '1С не настроена', not_called: 'не отправлен (сбой у нас)',
    record_failed: 'принят 1С, не записан', onec_down: 'отложен: 1С недоступна', cap_full: 'отложен: 1С занята',
    failed: 'не удалось',
    not_created: 'не создавался (сначала возврат)',
    cancelled: 'счёт помечен на удаление', already_cancelled: 'уже был помечен', cancel_not_created: 'отмена: в 1С счёта не было',
    cancel_transient_failure: 'отмена: сбой 1С (будет повтор)', cancel_rejected_invoice_has_documents: 'отмена отклонена: есть документы на основании',
    cancel_rejected_invoice_not_found: 'отмена: в 1С нет такого счёта', cancel_not_called: 'отмена не отправлена (сбой у нас)',
    cancel_onec_down: 'отмена ждёт: 1С недоступна', cancel_cap_full: 'отмена ждёт: 1С занята', cancel_not_configured: 'отмена: 1С не настроена' },
};

/** Names of the keys the API answers (docs/glossary.ru.md); a key without a name is shown as it is (data). */
const NAMES = {
  en: {
    state: { ready: 'waiting', delayed: 'waiting for a retry', active: 'being exported', dead: 'in the DLQ' },
    reason: { exhausted: 'retries ran out', refused_by_1c: 'refused by 1C', invalid: 'invalid order', not_paid: 'not paid',
      not_found: 'no such order', stalled: 'workers died', malformed: 'not an order id', infrastructure: 'our side failed',
      unreadable: 'unreadable entry', invoice_has_documents: 'invoice has documents in 1C',
      invoice_not_found: 'no invoice in 1C' },
    status: {},
    circuit: { closed: 'closed', open: 'open', half_open: 'half-open' },
    counter: { enqueued: 'queued', exported: 'exported', already_exported: 'already exported', retried: 'retries',
      requeued: 'requeued', stalled: 'left by dead workers', abandoned: 'abandoned after a timeout', dead: 'to the DLQ',
      rehomed: 'moved back to the queue', circuit_open: 'circuit opened', circuit_closed: 'circuit closed',
      cancelled: 'invoices marked for deletion', already_cancelled: 'already marked', not_created: 'refunded before the invoice' },
    exportStatus: { not_found: 'There is no such order.', already_exported: 'Already exported.',
      not_paid: 'The order is not paid.', unavailable: 'Redis is unreachable.' },
  },
  ru: {
    state: { ready: 'ждёт выгрузки', delayed: 'ждёт повтора', active: 'выгружается', dead: 'в очереди ошибок' },
    reason: { exhausted: 'кончились повторы', refused_by_1c: '1С отказала', invalid: 'ошибка в заказе', not_paid: 'не оплачен',
      not_found: 'нет такого заказа', stalled: 'воркеры падали', malformed: 'не номер заказа', infrastructure: 'сбой у нас',
      unreadable: 'запись не читается', invoice_has_documents: 'по счёту есть документы в 1С',
      invoice_not_found: 'счёта нет в 1С' },
    status: { new: 'новый', paid: 'оплачен', cancelled: 'отменён', refunded: 'возврат' },
    circuit: { closed: 'замкнут', open: 'разомкнут', half_open: 'пробует' },
    counter: { enqueued: 'поставлено в очередь', exported: 'выгружено', already_exported: 'уже были выгружены',
      retried: 'повторов', requeued: 'отправлено снова', stalled: 'брошено упавшими воркерами',
      abandoned: 'брошено по тайм-ауту', dead: 'в очередь ошибок', rehomed: 'возвращено в очередь',
      circuit_open: 'предохранитель разомкнулся', circuit_closed: 'предохранитель замкнулся',
      cancelled: 'счетов помечено на удаление', already_cancelled: 'уже были помечены', not_created: 'возврат до создания счёта' },
    exportStatus: { not_found: 'Такого заказа нет.', already_exported: 'Уже выгружен.', not_paid: 'Заказ не оплачен.',
      unavailable: 'Redis недоступен.' },
  },
};

function name(kind, key) {
  return NAMES[lang][kind][key] ?? key;
}

function counterName(key) {
  if (NAMES[lang].counter[key]) return NAMES[lang].counter[key];
  if (key.startsWith('dead_')) return t('counter.dead_reason', { r: name('reason', key.slice(5)) });
  return key;
}

/**
 * The exporter's own messages (last_error, API errors) in the page's language, from the catalogue the server puts in
 * the page (console/messages.json): each English template's {name} matches any text ({status}: an HTTP status's
 * three digits); {problems} is a "; " list whose items are translated one by one, {order_status} an order status.
 * Text 1C wrote ({onec}) stays as 1C wrote it.
 */
const CATALOGUE = (() => {
  try {
    return JSON.parse(document.getElementById('messages').textContent).messages.map((m) => {
      const names = [];
      const source = m.en.split(/(\{[a-z_]+\})/).map((part) => {
        const n = /^\{([a-z_]+)\}$/.exec(part);
        if (!n) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(n[1]);
        if (n[1] === 'status') return '(\\d{3})'; // an HTTP status, never the start of what 1C wrote
        return n[1] === 'onec' ? '([\\s\\S]*)' : '([\\s\\S]*?)';
      }).join('');
      return { re: new RegExp('^' + source + '$'), names, m };
    });
  } catch (e) {
    return [];
  }
})();

function message(text) {
  if (lang === 'en' || typeof text !== 'string') return text;
  for (const c of CATALOGUE) {
    const found = c.re.exec(text);
    if (!found || !c.m[lang]) continue;
    let out = c.m[lang];
    c.names.forEach((n, i) => {
      let value = found[i + 1];
      if (n === 'problems') value = value.split('; ').map(message).join('; ');
      else if (n === 'order_status') value = name('status', value);
      out = out.replaceAll('{' + n + '}', value);
    });
    return out;
  }
  return text;
}

const root = document.documentElement;
const lang = root.lang === 'ru' ? 'ru' : 'en';
const canChange = root.dataset.role === 'operator';
const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';

function t(key, args) {
  let s = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  for (const [k, v] of Object.entries(args || {})) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}

/**
 * A value from the data (1C's document number, an error, an invoice number) isolated from the text around it:
 * a U+202E (right-to-left override) or other direction mark inside it cannot reorder what follows.
 */
function v(value) {
  return value === null || value === undefined ? value : h('bdi', null, String(value));
}

/** As t(), but each argument is a data value isolated in a <bdi>: the sentence as nodes. */
function tv(key, args) {
  const s = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  const names = Object.keys(args || {});
  if (names.length === 0) return [s];
  const parts = s.split(new RegExp('\\{(' + names.join('|') + ')\\}'));
  return parts.map((p, i) => (i % 2 === 1 ? v(args[p]) : p));
}

/** Builds an element; children are nodes or text (never parsed as HTML). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function when(iso) {
  if (!iso) return t('never');
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A count or rate in the page's locale («1 234», «12,5»). */
function num(n) {
  return typeof n === 'number' ? n.toLocaleString(locale, { maximumFractionDigits: 1 }) : n ?? '—';
}

/** Milliseconds as the locale writes them: «489 мс», «7,1 с», «42 с» (a no-break space before the unit). */
function ms(v) {
  if (v === null || v === undefined) return '—';
  if (v < 1000) return Math.round(v).toLocaleString(locale) + '\u00a0' + t('unit.ms');
  const seconds = v / 1000;
  const digits = v >= 10000 ? 0 : 1;
  return seconds.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }) + '\u00a0'
    + t('unit.s');
}

/** An attempt's outcome by its name; a refusal the table does not list goes by its reason's name (the DLQ's). */
function outcome(o) {
  if (OUTCOMES[lang][o]) return OUTCOMES[lang][o];
  if (typeof o === 'string' && o.startsWith('rejected_') && NAMES[lang].reason[o.slice(9)]) return NAMES[lang].reason[o.slice(9)];
  return o;
}

function outcomeClass(o) {
  if (o === 'exported' || o === 'already_exported' || o === 'cancelled' || o === 'already_cancelled') return 'ok';
  if (o && (o.startsWith('rejected') || o.startsWith('cancel_rejected'))) return 'bad';
  return 'warn';
}

async function api(path, options) {
  const res = await fetch(path, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } },
    options || {}));
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (res.status === 429) {
    // The server's text is English; the page says it in its own language.
    body = { error: t('error.throttled', { s: res.headers.get('Retry-After') || '?' }) };
  }
  return { status: res.status, ok: res.ok, body };
}

const app = document.getElementById('app');

function show(...nodes) {
  app.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
}

function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

let flash = null;

function flashNode() {
  if (!flash) return null;
  const node = h('div', { class: 'flash' + (flash.bad ? ' bad' : ''), role: 'status' }, flash.text);
  flash = null;
  return node;
}

// ---- overview -------------------------------------------------------------------------------------------------

function card(label, value, bad, id) {
  return h('div', { class: 'card' + (bad ? ' bad' : ''), 'data-metric': id }, h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value));
}

function oneCBadge(onec) {
  const cls = { ok: 'ok', paused: 'warn', down: 'bad', not_configured: 'bad', access_refused: 'bad', unknown: '' }[onec.state] ?? '';
  const text = t('onec.' + onec.state, { t: when(onec.since) });
  return h('span', { class: 'badge ' + cls, id: 'onec-state', 'data-state': onec.state }, text);
}

// ---- charts of the last hours (GET /api/charts: 60 buckets; the server keeps one answer 30 s per window) -------

const CHART_WINDOWS = [1, 3, 6, 12, 24];
const CHART_REFRESH = 30000;
let chartHours = 3;
/** The last answer per window and when it came: the overview redraws every 3 s, the data is asked for every 30 s. */
const chartData = {};
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Failure outcomes' colours, fixed so that a reason keeps its colour from one window to the next. */
const FAILURE_COLOURS = {
  transient_failure: '#c77700', not_configured: '#b3261e', onec_down: '#e3a72f', rejected_refused_by_1c: '#7b3fa0',
  rejected_invalid: '#c2185b', rejected_not_paid: '#5f6b7a', rejected_not_found: '#37474f', not_called: '#1f5fbf',
  record_failed: '#00838f',
};
const OTHER_COLOUR = '#8d6e63';
let chartIds = 0;

/** An SVG element; children are nodes or text (never parsed as markup). */
function svgEl(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, val] of Object.entries(attrs || {})) {
    if (val !== null && val !== undefined) el.setAttribute(k, val);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Hours and minutes in the page's locale. */
function hm(iso) {
  return new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** Ticks from 0 past {@code max}: about four, at 1, 2 or 5 times a power of ten (whole numbers for counts). */
function ticks(max, whole) {
  const top = max > 0 ? max : 1;
  const raw = top / 4;
  const e = Math.pow(10, Math.floor(Math.log10(raw)));
  let step = [1, 2, 5, 10].map((m) => m * e).find((x) => x >= raw);
  if (whole) step = Math.max(1, Math.round(step));
  const out = [];
  for (let v = 0; v < top + step / 2 && out.length < 12; v += step) out.push(v);
  if (out[out.length - 1] < top) out.push(out[out.length - 1] + step);
  return out;
}

const CHART = { w: 960, h: 210, left: 64, right: 14, top: 12, bottom: 40 };

/**
 * The frame every chart shares: an SVG with its title and description (read by screen readers), the y axis with its
 * ticks ({@code format}) and title, the x axis with the hours every 10 buckets. {@code draw(x, y, width)} adds the
 * data: x(i) is the left edge of bucket i, y(v) the height of value v.
 */
function chartFrame(kind, title, desc, body, maxValue, format, whole, axisTitle, draw) {
  const id = 'chart-' + kind + '-' + (++chartIds);
  const { w, h: height, left, right, top, bottom } = CHART;
  const plotW = w - left - right;
  const plotH = height - top - bottom;
  const n = body.buckets.length;
  const yTicks = ticks(maxValue, whole);
  const yMax = yTicks[yTicks.length - 1];
  const x = (i) => left + (plotW * i) / n;
  const y = (v) => top + plotH - (plotH * v) / yMax;
  const grid = yTicks.map((v) => [
    svgEl('line', { x1: left, x2: w - right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }),
    svgEl('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, format(v)),
  ]);
  const hours = [];
  for (let i = 0; i <= n; i += 10) {
    const at = new Date(Date.parse(body.from) + i * body.bucket_seconds * 1000).toISOString();
    hours.push(svgEl('line', { x1: x(i), x2: x(i), y1: top + plotH, y2: top + plotH + 4, class: 'axis' }),
      svgEl('text', { x: x(i), y: top + plotH + 17, 'text-anchor': i === 0 ? 'start' : i === n ? 'end' : 'middle', class: 'tick' }, hm(at)));
  }
  return svgEl('svg', { viewBox: '0 0 ' + w + ' ' + height, role: 'img', 'aria-labelledby': id + '-t ' + id + '-d', class: 'chart', 'data-chart': kind },
    svgEl('title', { id: id + '-t' }, title), svgEl('desc', { id: id + '-d' }, desc),
    grid, hours,
    svgEl('text', { x: 12, y: top + plotH / 2, transform: 'rotate(-90 12 ' + (top + plotH / 2) + ')', 'text-anchor': 'middle', class: 'axis-title' }, axisTitle),
    svgEl('text', { x: left + plotW / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-title' }, t('axis.time')),
    draw(x, y, plotW / n));
}

/** A legend's colour sample (an attribute, not a style: the page's CSP allows no inline styles). */
function swatch(attrs) {
  return svgEl('svg', { width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true', class: 'swatch' },
    svgEl('rect', Object.assign({ width: 12, height: 12, rx: 2 }, attrs)));
}

function bucketSpan(body, i) {
  const start = Date.parse(body.buckets[i].start);
  return { from: hm(body.buckets[i].start), to: hm(new Date(start + body.bucket_seconds * 1000).toISOString()) };
}

/** "the last hour", "the last 6 h": a window in a sentence. */
function period(hours) {
  return hours === 1 ? t('period.1') : t('period.n', { h: hours });
}

function failureList(map) {
  return Object.entries(map).sort((a, b) => b[1] - a[1]).map(([k, n]) => outcome(k) + ' ' + num(n)).join(', ');
}

function chartFigure(kind, caption, content, note) {
  return h('figure', { class: 'panel chart-box', id: 'chart-' + kind }, h('figcaption', null, caption), content, note);
}

function exportedChart(body) {
  const caption = t('chart.exported');
  if (body.attempts_error) return chartFigure('exported', caption, h('p', { class: 'muted chart-empty' }, t('chart.attemptsError')));
  if (body.totals.exported === 0) return chartFigure('exported', caption, h('p', { class: 'muted chart-empty' }, t('chart.exported.empty', { period: period(body.hours) })));
  const rates = body.buckets.map((b) => b.exported_per_minute);
  const desc = t('chart.exported.desc', { n: num(body.totals.exported), from: hm(body.from), to: hm(body.now), peak: num(body.totals.peak_per_minute) });
  return chartFigure('exported', caption, chartFrame('exported', caption, desc, body, Math.max(...rates), num, false, t('axis.perMinute'),
    (x, y, bw) => body.buckets.map((b, i) => (b.exported === 0 ? null
      : svgEl('rect', { x: x(i) + bw * 0.1, y: y(b.exported_per_minute), width: bw * 0.8, height: y(0) - y(b.exported_per_minute),
        class: 'bar', 'data-bucket': i, 'data-start': Date.parse(b.start), 'data-value': b.exported },
        svgEl('title', null, t('chart.bar.exported', Object.assign(bucketSpan(body, i), { n: num(b.exported), rate: num(b.exported_per_minute) }))))))));
}

function failuresChart(body) {
  const caption = t('chart.failures');
  if (body.attempts_error) return chartFigure('failures', caption, h('p', { class: 'muted chart-empty' }, t('chart.attemptsError')));
  const totals = body.totals.failures;
  const sum = Object.values(totals).reduce((a, b) => a + b, 0);
  if (sum === 0) return chartFigure('failures', caption, h('p', { class: 'muted chart-empty' }, t('chart.failures.empty', { period: period(body.hours) })));
  const order = Object.keys(totals);
  const colour = (k) => FAILURE_COLOURS[k] ?? OTHER_COLOUR;
  const heights = body.buckets.map((b) => Object.values(b.failures).reduce((a, c) => a + c, 0));
  const desc = t('chart.failures.desc', { n: num(sum), from: hm(body.from), to: hm(body.now), list: failureList(totals) });
  const svg = chartFrame('failures', caption, desc, body, Math.max(...heights), num, true, t('axis.attempts'), (x, y, bw) =>
    body.buckets.map((b, i) => {
      if (heights[i] === 0) return null;
      let base = 0;
      const parts = order.filter((k) => b.failures[k]).map((k) => {
        const v = b.failures[k];
        const r = svgEl('rect', { x: x(i) + bw * 0.1, y: y(base + v), width: bw * 0.8, height: y(base) - y(base + v), fill: colour(k), 'data-outcome': k, 'data-value': v });
        base += v;
        return r;
      });
      return svgEl('g', { class: 'stack', 'data-bucket': i, 'data-start': Date.parse(b.start), 'data-value': heights[i] },
        svgEl('title', null, t('chart.bar.failures', Object.assign(bucketSpan(body, i), { list: failureList(b.failures) }))), parts);
    }));
  const legend = h('ul', { class: 'legend' }, order.map((k) => h('li', { 'data-outcome': k },
    swatch({ fill: colour(k) }), outcome(k) + ' — ' + num(totals[k]))));
  return chartFigure('failures', caption, svg, legend);
}

function callsChart(body) {
  const caption = t('chart.calls');
  if (body.call_times_error) return chartFigure('calls', caption, h('p', { class: 'muted chart-empty' }, t('chart.callsError')));
  if (body.totals.calls === 0) return chartFigure('calls', caption, h('p', { class: 'muted chart-empty' }, t('chart.calls.empty', { period: period(body.hours) })));
  const p95s = body.buckets.map((b) => b.call_p95_ms ?? 0);
  const desc = t('chart.calls.desc', { n: num(body.totals.calls), from: hm(body.from), to: hm(body.now), p50: ms(body.totals.call_p50_ms), p95: ms(body.totals.call_p95_ms) });
  const line = (x, y, bw, key, cls) => {
    // One polyline per run of buckets with calls: a bucket without calls is a gap, not a zero.
    const runs = [];
    let run = [];
    body.buckets.forEach((b, i) => {
      if (b[key] === null || b[key] === undefined) {
        if (run.length) runs.push(run);
        run = [];
      } else run.push((x(i) + bw / 2).toFixed(1) + ',' + y(b[key]).toFixed(1));
    });
    if (run.length) runs.push(run);
    return runs.map((r) => svgEl('polyline', { points: r.join(' '), class: 'line ' + cls }));
  };
  const svg = chartFrame('calls', caption, desc, body, Math.max(...p95s), ms, false, t('axis.callTime'), (x, y, bw) => [
    line(x, y, bw, 'call_p95_ms', 'p95'), line(x, y, bw, 'call_p50_ms', 'p50'), // P50 on top: it is the lower one
    body.buckets.map((b, i) => (b.calls === 0 ? null : svgEl('g', { class: 'point', 'data-bucket': i, 'data-start': Date.parse(b.start), 'data-calls': b.calls, 'data-p50': b.call_p50_ms, 'data-p95': b.call_p95_ms },
      svgEl('title', null, t('chart.point.calls', Object.assign(bucketSpan(body, i), { n: num(b.calls), p50: ms(b.call_p50_ms), p95: ms(b.call_p95_ms) }))),
      svgEl('circle', { cx: x(i) + bw / 2, cy: y(b.call_p95_ms), r: 2.5, class: 'dot p95' }),
      svgEl('circle', { cx: x(i) + bw / 2, cy: y(b.call_p50_ms), r: 2.5, class: 'dot p50' })))),
  ]);
  const legend = h('ul', { class: 'legend' },
    h('li', { 'data-series': 'p50' }, swatch({ class: 'p50' }), 'P50 — ' + ms(body.totals.call_p50_ms)),
    h('li', { 'data-series': 'p95' }, swatch({ class: 'p95' }), 'P95 — ' + ms(body.totals.call_p95_ms)));
  const from = body.call_times_from ? h('p', { class: 'muted', id: 'calls-from' }, t('chart.calls.from', { t: when(body.call_times_from) })) : null;
  return chartFigure('calls', caption, svg, [legend, from]);
}

async function loadCharts(force) {
  const kept = chartData[chartHours];
  if (!force && kept && Date.now() - kept.at < CHART_REFRESH) return kept;
  const r = await api('/api/charts?hours=' + chartHours);
  chartData[chartHours] = { at: Date.now(), r };
  return chartData[chartHours];
}

function chartsSection(kept) {
  const picker = h('div', { class: 'windows', role: 'group', 'aria-label': t('charts.window') },
    CHART_WINDOWS.map((hours) => h('button', { type: 'button', 'data-hours': hours, 'aria-pressed': String(hours === chartHours),
      class: hours === chartHours ? 'current' : null,
      onclick: async () => { chartHours = hours; await loadCharts(false); await render(); } }, t('charts.hours', { h: hours }))));
  const head = h('div', { class: 'charts-head' }, h('h2', null, chartHours === 1 ? t('charts.title1') : t('charts.title', { h: chartHours })), picker);
  if (!kept.r.ok) return h('section', { id: 'charts' }, head, h('p', { class: 'flash bad' }, t('error.load', { e: kept.r.status })));
  const body = kept.r.body;
  return h('section', { id: 'charts', 'data-hours': body.hours }, head,
    h('div', { class: 'charts' }, exportedChart(body), failuresChart(body), callsChart(body)));
}

async function overview() {
  const [r, charts] = await Promise.all([api('/api/overview'), loadCharts(false)]);
  if (!r.ok) return show(h('p', { class: 'flash bad' }, t('error.load', { e: r.status })));
  const o = r.body;
  const q = o.queues;
  const times = o.export_time;
  const attempts = Object.entries(o.rates.attempts || {});
  show(
    h('h1', null, t('overview.title'), h('span', { class: 'updated' }, t('updated', { t: new Date().toLocaleTimeString(locale) }))),
    h('div', { class: 'cards' },
      card(t('q.ready'), num(q.ready), false, 'ready'), card(t('q.delayed'), num(q.delayed), false, 'delayed'),
      card(t('q.active'), num(q.active), false, 'active'), card(t('q.dlq'), num(q.dlq), q.dlq > 0, 'dlq'),
      card(t('q.oldest'), o.oldest_waiting_seconds === null ? '—' : ms(Math.round(o.oldest_waiting_seconds * 1000)),
        o.oldest_waiting_seconds > 900, 'oldest'),
      card(t('rate.exported'), num(o.rates.exported_per_minute), false, 'rate')),
    h('h2', null, t('onec')),
    h('div', { class: 'panel' }, oneCBadge(o.onec), ' ',
      o.onec.last_call_at ? h('span', { class: 'muted' }, t('onec.last', { t: when(o.onec.last_call_at),
        o: outcome(o.onec.last_call_outcome) + (o.onec.last_http_status ? ' (HTTP ' + o.onec.last_http_status + ')' : '') })) : null,
      // What an administrator must fix, as 1C's last answer said (in the page's language from the catalogue).
      (o.onec.state === 'not_configured' || o.onec.state === 'access_refused') && o.onec.last_error
        ? h('div', { class: 'error', id: 'onec-what' }, v(message(o.onec.last_error))) : null),
    chartsSection(charts),
    h('h2', null, t('times', { m: times.window_minutes, n: times.exports })),
    h('table', { id: 'percentiles' },
      h('tr', null, h('th', null, ''), h('th', null, 'P50'), h('th', null, 'P95'), h('th', null, 'P99')),
      h('tr', null, h('td', null, t('times.job')), ...['p50', 'p95', 'p99'].map((p) => h('td', null, ms(times.queued_to_exported_ms[p])))),
      h('tr', null, h('td', null, t('times.call')), ...['p50', 'p95', 'p99'].map((p) => h('td', null, ms(times.onec_call_ms[p]))))),
    h('h2', null, t('rates', { m: o.rates.window_minutes }) + ': ' + t('rate.attempts')),
    h('div', { class: 'panel' }, attempts.length === 0 ? '—'
      : attempts.map(([k, v]) => h('span', { class: 'badge ' + outcomeClass(k), style: null }, outcome(k) + ': ' + num(v), ' '))),
    h('h2', null, t('workers')),
    o.workers.length === 0 ? h('p', { class: 'flash bad' }, t('workers.none'))
      : h('table', { id: 'workers' },
        h('tr', null, h('th', null, t('w.id')), h('th', null, t('w.seen')), h('th', null, t('w.circuit')), h('th', null, t('w.busy'))),
        o.workers.map((w) => h('tr', null, h('td', null, w.id), h('td', null, when(w.seen_at)),
          h('td', null, h('span', { class: 'badge ' + (w.circuit === 'closed' ? 'ok' : 'warn') }, name('circuit', w.circuit))),
          h('td', null, w.in_flight + ' / ' + w.concurrency)))),
    h('h2', null, t('counters')),
    h('div', { class: 'panel muted' }, Object.entries(o.counters).map(([k, n]) => counterName(k) + ' ' + num(n)).join(' · ') || '—'));
}

// ---- DLQ ------------------------------------------------------------------------------------------------------

async function requeueOne(id) {
  if (!(await confirmAction(t('dlq.confirmOne', { id })))) return;
  const r = await api('/api/dlq/' + encodeURIComponent(id) + '/requeue', { method: 'POST' });
  flash = { text: r.ok ? t('dlq.done', { n: r.body.requeued }) : (r.body && message(r.body.error)) || String(r.status), bad: !r.ok };
  await render();
}

async function requeueEvery(n) {
  if (!(await confirmAction(t('dlq.confirmEvery', { n: num(n) })))) return;
  const r = await api('/api/dlq/requeue-all', { method: 'POST' });
  flash = { text: r.ok ? t('dlq.done', { n: r.body.requeued }) : (r.body && message(r.body.error)) || String(r.status), bad: !r.ok };
  await render();
}

async function requeueReason(reason, n) {
  if (!(await confirmAction(t('dlq.confirmAll', { n: num(n), r: name('reason', reason) })))) return;
  const r = await api('/api/dlq/requeue?reason=' + encodeURIComponent(reason), { method: 'POST' });
  flash = { text: r.ok ? t('dlq.done', { n: r.body.requeued }) : (r.body && message(r.body.error)) || String(r.status), bad: !r.ok };
  await render();
}

async function dlq() {
  const r = await api('/api/dlq?limit=1000');
  if (!r.ok) return show(h('p', { class: 'flash bad' }, (r.body && message(r.body.error)) || t('error.load', { e: r.status })));
  const groups = new Map();
  for (const e of r.body.entries) {
    const reason = e.reason || 'unreadable';
    if (!groups.has(reason)) groups.set(reason, []);
    groups.get(reason).push(e);
  }
  // The page holds the newest 1,000 entries; a reason whose entries are all older still gets its section and button.
  for (const reason of Object.keys(r.body.reasons || {})) {
    if (!groups.has(reason) && r.body.reasons[reason] > 0) groups.set(reason, []);
  }
  const sections = [];
  for (const [reason, entries] of groups) {
    const count = r.body.reasons[reason] ?? entries.length;
    sections.push(h('section', { class: 'reason', 'data-reason': reason },
      h('div', { class: 'reason-head' }, h('h2', null, name('reason', reason) + ' (' + num(count) + ')'),
        canChange ? h('button', { class: 'requeue-reason', onclick: () => requeueReason(reason, count) },
          t('dlq.requeueAll', { n: num(count) })) : null),
      h('p', { class: 'muted' }, REASONS[lang][reason] ?? ''),
      entries.length === 0 ? h('p', { class: 'muted' }, t('dlq.beyond')) : h('table', null,
        h('tr', null, h('th', null, t('col.order')), h('th', null, t('col.invoice')), h('th', null, t('col.attempts')),
          h('th', null, t('col.error')), h('th', null, t('col.when')), canChange ? h('th', null, '') : null),
        entries.map((e) => h('tr', { 'data-order': e.order_id },
          h('td', null, h('a', { href: '/orders/' + encodeURIComponent(String(e.order_id ?? '').replace(/^cancel:/, '')) },
            v(String(e.order_id ?? '?').replace(/^cancel:/, ''))),
            String(e.order_id ?? '').startsWith('cancel:') ? [' ', h('span', { class: 'badge warn' }, t('dlq.cancellation'))] : null),
          h('td', null, v(e.invoice_number) ?? '—'), h('td', null, e.attempts ?? ''),
          h('td', { class: 'error' }, e.last_http_status ? 'HTTP ' + e.last_http_status + ': ' : '', v(message(e.last_error ?? e.raw ?? ''))),
          h('td', null, when(e.dead_at)),
          canChange ? h('td', null, e.order_id ? h('button', { class: 'requeue', onclick: () => requeueOne(String(e.order_id)) },
            t('dlq.requeue')) : null) : null)))));
  }
  const partial = r.body.total > r.body.entries.length
    ? h('p', { class: 'muted', id: 'dlq-partial' }, t('dlq.partial', { shown: num(r.body.entries.length), n: num(r.body.total) }))
    : null;
  const every = canChange && r.body.total > 0
    ? h('p', null, h('button', { class: 'requeue-every', onclick: () => requeueEvery(r.body.total) },
      t('dlq.requeueEvery', { n: num(r.body.total) })))
    : null;
  show(h('h1', null, t('dlq.title'), h('span', { class: 'updated' }, t('dlq.total', { n: num(r.body.total) }))), flashNode(),
    partial, every, sections.length === 0 ? h('p', { class: 'panel', id: 'dlq-empty' }, t('dlq.empty')) : sections);
}

// ---- order ----------------------------------------------------------------------------------------------------

async function queueExport(id) {
  const r = await api('/api/orders/' + id + '/export', { method: 'POST' });
  flash = { text: r.ok ? t('order.queued') : (r.body && (message(r.body.error) || name('exportStatus', r.body.status)))
    || String(r.status), bad: !r.ok };
  await render();
}

function answer(s) {
  const o = s.order;
  const job = s.job || {};
  const cancel = o.invoice_cancellation || {};
  const cjob = s.cancel_job || {};
  const text = tv('where.' + s.where, {
    inv: o.invoice_number, doc: o.onec_document_number || o.onec_document_id || '—', t: when(s.where === 'exported'
      ? o.invoice_exported_at : s.where === 'cancelled' ? cancel.cancelled_at : job.due_at),
    r: name('reason', (s.where === 'cancel_dlq' ? cjob.reason || (s.cancel_dlq_entry && s.cancel_dlq_entry.reason)
      : job.reason || (s.dlq_entry && s.dlq_entry.reason)) || ''),
    s: name('status', o.status), a: cancel.answer || '', st: name('state', cjob.state || '') });
  const cls = s.where === 'exported' || s.where === 'cancelled' || s.where === 'never_created' ? 'ok'
    : s.where === 'dlq' || s.where === 'not_paid' || s.where === 'cancel_dlq' || s.where === 'cancel_refused' ? 'bad' : 'warn';
  return h('div', { class: 'panel answer ' + cls, id: 'where', 'data-where': s.where }, text);
}

function facts(s) {
  const o = s.order;
  const job = s.job;
  const docs = [o.onec_document_number, o.onec_document_id].filter(Boolean);
  const rows = [
    [t('f.status'), v(name('status', o.status))], [t('f.paid_at'), when(o.paid_at)], [t('f.invoice'), v(o.invoice_number) ?? '—'],
    [t('f.exported_at'), o.invoice_exported_to_1c ? when(o.invoice_exported_at) : t('no')],
    [t('f.doc'), docs.length ? docs.flatMap((x, i) => (i ? [' · ', v(x)] : [v(x)])) : '—'],
    [t('f.trace'), s.trace_id ? h('code', { id: 'trace-id', title: t('f.traceHint') }, s.trace_id) : '—'],
  ];
  if (o.life && o.life.length) {
    rows.push([t('f.life'), h('span', { id: 'life' }, o.life.flatMap((step, i) => [i ? ' → ' : '',
      h('span', { class: 'life-step', 'data-step': step.step }, t('life.' + step.step) + (step.at ? ' ' + when(step.at) : ''))]))]);
  }
  const cjob = s.cancel_job;
  if (cjob) {
    rows.push([t('f.cancelJob'), t('f.jobLine', { state: name('state', cjob.state), n: num(cjob.attempts ?? 0) })
      + (cjob.reason ? ' — ' + name('reason', cjob.reason) : '') + (cjob.last_error ? ': ' + message(cjob.last_error) : '')]);
  }
  if (job) {
    rows.push([t('f.job'), t('f.jobLine', { state: name('state', job.state), n: num(job.attempts ?? 0) })]);
    if (job.enqueued_at) rows.push([t('f.enqueued'), when(job.enqueued_at)]);
    if (job.due_at) rows.push([t('f.due'), when(job.due_at)]);
    if (job.reason) rows.push([t('f.reason'), name('reason', job.reason) + (REASONS[lang][job.reason] ? ' — ' + REASONS[lang][job.reason] : '')]);
    if (job.last_error) rows.push([t('f.lastError'), [job.last_http_status ? 'HTTP ' + job.last_http_status + ': ' : '', v(message(job.last_error))]]);
  }
  return h('div', { class: 'panel' }, h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])));
}

function attemptsTable(list) {
  if (list.length === 0) return h('p', { class: 'panel muted' }, t('order.noAttempts'));
  return h('table', { id: 'attempts' },
    h('tr', null, ['col.n', 'col.when', 'col.who', 'col.outcome', 'col.http', 'col.duration', 'col.permit', 'col.details']
      .map((k) => h('th', null, t(k)))),
    list.map((a) => h('tr', { class: 'attempt', 'data-outcome': a.outcome },
      h('td', null, a.attempt), h('td', null, when(a.started_at)), h('td', null, a.actor),
      h('td', null, h('span', { class: 'badge ' + outcomeClass(a.outcome) }, outcome(a.outcome))),
      h('td', null, a.http_status ?? '—'), h('td', null, ms(a.duration_ms)), h('td', null, ms(a.permit_wait_ms)),
      h('td', { class: 'error' }, a.onec_document_number ? [v(a.invoice_number), ' → ', v(a.onec_document_number)]
        : v(message(a.error) ?? (a.invoice_number ?? ''))))));
}

async function order() {
  const id = root.dataset.order;
  const r = await api('/api/orders/' + encodeURIComponent(id));
  if (r.status === 404 || r.status === 400) return show(h('h1', null, t('order.title', { id })), h('p', { class: 'panel' }, t('order.notFound', { id })));
  if (!r.ok) return show(h('p', { class: 'flash bad' }, t('error.load', { e: r.status })));
  const s = r.body;
  const actions = [];
  if (canChange && s.where === 'not_queued') actions.push(h('button', { class: 'primary', id: 'queue-export', onclick: () => queueExport(id) }, t('order.export')));
  if (canChange && s.where === 'dlq') actions.push(h('button', { class: 'requeue', onclick: () => requeueOne(String(id)) }, t('dlq.requeue')));
  if (canChange && s.where === 'cancel_dlq') actions.push(h('button', { class: 'requeue', onclick: () => requeueOne('cancel:' + id) }, t('dlq.requeue')));
  show(h('h1', null, t('order.title', { id }), h('span', { class: 'updated' }, t('updated', { t: new Date().toLocaleTimeString(locale) }))),
    flashNode(), answer(s), actions.length ? h('p', null, actions) : null,
    h('h2', null, t('order.facts')), facts(s), h('h2', null, t('order.attempts')), attemptsTable(s.attempts));
}

function search() {
  const q = new URLSearchParams(location.search).get('q') || '';
  show(h('p', { class: 'panel', id: 'search-none' }, t('search.none', { q })));
}

// ---- wiring ---------------------------------------------------------------------------------------------------

const PAGES = { overview, dlq, order, search };
const REFRESH = { overview: 3000, order: 5000 };
let rendering = false;

async function render() {
  if (rendering) return;
  rendering = true;
  try {
    await PAGES[root.dataset.page]();
  } catch (e) {
    show(h('p', { class: 'flash bad' }, t('error.load', { e: e.message })));
  } finally {
    rendering = false;
  }
}

function translateShell() {
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
    el.setAttribute('aria-label', el.placeholder);
  }
  const current = document.querySelector('nav a[data-nav="' + root.dataset.page + '"]');
  if (current) current.classList.add('current');
  document.title = 'onec-exporter · ' + t(root.dataset.page === 'dlq' ? 'nav.dlq' : 'nav.overview');
}

translateShell();
app.replaceChildren(h('p', { class: 'muted' }, t('loading')));
render();
if (REFRESH[root.dataset.page]) {
  setInterval(() => {
    if (!document.getElementById('confirm').open && !document.hidden) render();
  }, REFRESH[root.dataset.page]);
}
