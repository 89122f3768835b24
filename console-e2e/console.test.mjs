// Browser tests of the operations console in Debian's Chromium (started by ops/console-e2e, which seeds the data:
// orders 101-105 exported, 201-203 in the DLQ as not_paid and paid since, 301 in the DLQ as invalid; attempts and
// 1C call times at two known past times for the overview's charts).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const URL = process.env.CONSOLE_URL;
const OPERATOR = { username: 'operator', password: process.env.OPERATOR_PASSWORD };
const VIEWER = { username: 'viewer', password: process.env.VIEWER_PASSWORD };
const INVOICE = process.env.INVOICE_NUMBER;
const SHOTS = process.env.SCREENSHOT_DIR;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const contexts = [];
const profiles = [];

/** A fresh browser profile (its own --user-data-dir) signed in as {@code credentials}. */
async function browser(credentials, locale = 'en-GB') {
  const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  profiles.push(dir);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, locale,
    httpCredentials: credentials, viewport: { width: 1280, height: 860 }, timeout: 30_000,
  });
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? await context.newPage();
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(URL)) outside.push(r.url()); });
  page.outside = outside;
  page.on('pageerror', (e) => console.error('page error on ' + page.url() + ': ' + e.stack));
  return page;
}

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

/** Reloads until {@code selector} is on the page (the console refreshes itself too, but not every page). */
async function eventually(page, selector, seconds = 25) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await page.locator(selector).count() > 0) return;
    if (Date.now() > deadline) assert.fail(`${selector} did not appear on ${page.url()}`);
    await page.waitForTimeout(1000);
    await page.reload();
    await page.locator('main h1').first().waitFor();
  }
}

before(() => {
  assert.ok(URL && OPERATOR.password && VIEWER.password && INVOICE, 'run through ops/console-e2e');
});

afterEach(async () => {
  while (contexts.length) await contexts.pop().close().catch(() => {});
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  for (const d of profiles) rmSync(d, { recursive: true, force: true });
});

test('without credentials the console answers 401', async () => {
  const page = await browser(undefined);
  const response = await page.request.get(URL + '/');
  assert.equal(response.status(), 401);
  assert.match(response.headers()['www-authenticate'], /^Basic/);
});

test('the operator signs in and the overview shows the numbers, 1C and the worker', async () => {
  const page = await browser(OPERATOR);
  await page.goto(URL + '/');
  await page.locator('[data-metric="dlq"] .value').waitFor();
  assert.equal(await page.locator('h1').first().innerText().then((t) => t.startsWith('Overview')), true);
  assert.equal(await page.locator('[data-metric="dlq"] .value').innerText(), '4');
  assert.equal(await page.locator('[data-metric="ready"] .value').innerText(), '0');
  assert.match(await page.locator('#onec-state').innerText(), /answers|failing|paused|no calls/);
  assert.equal(await page.locator('#workers tr').count(), 2, 'a header and one worker');
  assert.match(await page.locator('#workers').innerText(), /e2e-worker-1/);
  assert.match(await page.locator('#percentiles').innerText(), /P95/);
  assert.deepEqual(page.outside, [], 'nothing is loaded from elsewhere');
});

test('the search box finds an order by its invoice number and its page shows the attempts', async () => {
  const page = await browser(OPERATOR);
  await page.goto(URL + '/');
  await page.fill('input[name="q"]', INVOICE.toLowerCase());
  await page.press('input[name="q"]', 'Enter');
  await page.waitForURL(URL + '/orders/101');
  await page.locator('#where[data-where="exported"]').waitFor();
  assert.match(await page.locator('#where').innerText(), new RegExp(INVOICE));
  const attempts = page.locator('#attempts tr.attempt');
  assert.equal(await attempts.count(), 1);
  assert.equal(await attempts.first().getAttribute('data-outcome'), 'exported');
  assert.match(await attempts.first().innerText(), /e2e-worker-1/);
  const facts = await page.locator('dl.facts').innerText();
  assert.match(facts, new RegExp(INVOICE));
  // Data values (1C's may hold U+202E) are isolated from the text around them.
  assert.equal(await page.locator('#where bdi', { hasText: INVOICE }).count(), 1);
  assert.equal(await page.locator('dl.facts dd bdi', { hasText: INVOICE }).count(), 1);
  assert.equal(await page.locator('#where').evaluate((el) => getComputedStyle(el.querySelector('bdi')).unicodeBidi),
    'isolate');
  assert.doesNotMatch(await page.locator('main').innerText(), /\[object|undefined|null/);
  await shot(page, 'order.png');
});

test('one DLQ entry is requeued after a confirmation, leaves the DLQ and gets exported', async () => {
  const page = await browser(OPERATOR);
  await page.goto(URL + '/dlq');
  await page.locator('section[data-reason="not_paid"]').waitFor();
  assert.equal(await page.locator('section.reason').count(), 2);
  await shot(page, 'dlq.png');

  // Cancel first: nothing happens.
  await page.locator('tr[data-order="301"] button.requeue').click();
  await page.locator('#confirm[open]').waitFor();
  await page.click('#confirm-cancel');
  assert.equal(await page.locator('tr[data-order="301"]').count(), 1);

  await page.locator('tr[data-order="201"] button.requeue').click();
  await page.locator('#confirm[open]').waitFor();
  assert.match(await page.locator('#confirm-text').innerText(), /201/);
  await page.click('#confirm-ok');
  await page.locator('.flash').waitFor();
  assert.match(await page.locator('.flash').innerText(), /Requeued: 1/);
  assert.equal(await page.locator('tr[data-order="201"]').count(), 0);
  assert.equal(await page.locator('tr[data-order="202"]').count(), 1);

  await page.goto(URL + '/orders/201');
  await eventually(page, '#where[data-where="exported"]');
  await eventually(page, '#attempts tr[data-outcome="exported"]', 5); // the history is written in batches
  const outcomes = await page.locator('#attempts tr.attempt').evaluateAll((rows) => rows.map((r) => r.dataset.outcome));
  assert.deepEqual(outcomes, ['rejected_not_paid', 'exported']);
});

test('a whole reason is requeued at once', async () => {
  const page = await browser(OPERATOR);
  await page.goto(URL + '/dlq');
  const section = page.locator('section[data-reason="not_paid"]');
  await section.waitFor();
  await section.locator('button.requeue-reason').click();
  await page.locator('#confirm[open]').waitFor();
  assert.match(await page.locator('#confirm-text').innerText(), /“not paid”/);
  await page.click('#confirm-ok');
  await page.locator('.flash').waitFor();
  assert.match(await page.locator('.flash').innerText(), /Requeued: 2/);
  assert.equal(await page.locator('section[data-reason="not_paid"]').count(), 0);
  assert.equal(await page.locator('section[data-reason="invalid"]').count(), 1);
  await page.goto(URL + '/orders/203');
  await eventually(page, '#where[data-where="exported"]');
});

test('the viewer sees the DLQ without buttons and a requeue is refused with 403', async () => {
  const page = await browser(VIEWER);
  await page.goto(URL + '/dlq');
  await page.locator('section[data-reason="invalid"]').waitFor();
  assert.equal(await page.locator('button.requeue, button.requeue-reason, button.requeue-every').count(), 0);
  assert.match(await page.locator('.who').innerText(), /viewer/);
  const status = await page.evaluate(async () => (await fetch('/api/dlq/301/requeue', { method: 'POST' })).status);
  assert.equal(status, 403);
  await page.goto(URL + '/orders/301');
  await page.locator('#where[data-where="dlq"]').waitFor();
  assert.equal(await page.locator('button').filter({ hasText: /Requeue/ }).count(), 0);
});

// Keys of the API that must never reach a Russian page as they are (docs/glossary.ru.md names them).
const RAW_KEYS = /\b(ready|delayed|active|dead|paid|new|closed|open|half_open|exhausted|invalid|not_paid|refused_by_1c|enqueued|retried|requeued|rejected_\w+|dead_\w+)\b/;

test('the console speaks Russian to a Russian browser and switches back to English', async () => {
  const page = await browser(OPERATOR, 'ru-RU');
  await page.goto(URL + '/');
  await page.locator('[data-metric="dlq"] .value').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
  assert.match(await page.locator('h1').first().innerText(), /^Обзор/);
  assert.match(await page.locator('[data-metric="dlq"] .label').innerText(), /В очереди ошибок/);
  const overview = await page.locator('main').innerText();
  assert.doesNotMatch(overview, RAW_KEYS, 'states, counters and circuits are named in Russian');
  assert.match(await page.locator('#workers').innerText(), /замкнут|разомкнут|пробует/);
  const times = await page.locator('#percentiles').innerText();
  assert.match(times, /\d+(,\d)?\s(мс|с)(?![а-яё])/, 'durations in the locale: «489 мс», «7,1 с»');
  assert.doesNotMatch(times, /\d\.\d|\bms\b|\d s\b/);
  await shot(page, 'overview-ru.png');
  await page.goto(URL + '/dlq');
  await page.locator('section[data-reason="invalid"]').waitFor();
  const invalid = page.locator('section[data-reason="invalid"]');
  assert.match(await invalid.innerText(), /Отправить снова/);
  assert.match(await invalid.locator('h2').innerText(), /^ошибка в заказе \(1\)/);
  assert.match(await invalid.locator('tr[data-order="301"]').innerText(), /Ошибки в заказе: в заказе нет товаров/,
    "the exporter's own text from the message catalogue");
  assert.match(await page.locator('h1').innerText(), /^Очередь ошибок/);
  await shot(page, 'dlq-ru.png');
  await page.goto(URL + '/orders/201');
  await page.locator('#attempts tr[data-outcome="rejected_not_paid"]').waitFor();
  assert.match(await page.locator('#attempts tr[data-outcome="rejected_not_paid"]').innerText(),
    /Заказ не оплачен: его статус «новый»/, "the seed's English message is shown in Russian");
  assert.match(await page.locator('dl.facts').innerText(), /Статус\s+оплачен/);
  assert.doesNotMatch(await page.locator('main').innerText(), RAW_KEYS);
  await page.goto(URL + '/orders/101');
  await page.locator('#where').waitFor();
  assert.match(await page.locator('#where').innerText(), /Счёт в 1С/);
  await shot(page, 'order-ru.png');
  await page.click('a[hreflang="en"]');
  await page.locator('#where').waitFor();
  assert.match(await page.locator('#where').innerText(), /The invoice is in 1C/);
  const api = await page.evaluate(async () => (await fetch('/api/orders/201')).json());
  assert.ok(api.attempts.some((a) => a.error === "Order status is 'new', expected 'paid'"),
    'the JSON answer keeps the exporter\'s English text');
});

// The seeded history (ops/console-e2e): 12 exports at CHART_T1, 3 transient failures and 1 refusal at CHART_T2,
// 1C calls of 100…1000 ms at T1 and one of 7,100 ms at T2; the 3-hour window's buckets are 3 minutes long.
const T1 = Number(process.env.CHART_T1);
const T2 = Number(process.env.CHART_T2);
const bucketOf = (t) => String(Math.floor(t / 180) * 180 * 1000);

/** The charts section of a page signed in as the operator, its CSP complaints collected. */
async function chartsPage(locale) {
  const page = await browser(OPERATOR, locale);
  page.csp = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) page.csp.push(m.text()); });
  await page.goto(URL + '/');
  await page.locator('#charts svg[data-chart="calls"]').waitFor();
  return page;
}

/** The numbers a chart says in its description equal those it draws. */
async function totalsAgree(page, chart, selector) {
  const drawn = await page.locator(`svg[data-chart="${chart}"] ${selector}`)
    .evaluateAll((els) => els.reduce((a, el) => a + Number(el.dataset.value), 0));
  const api = await page.evaluate(async () => (await fetch('/api/charts?hours=3')).json());
  return { drawn, api };
}

test('the overview draws the last hours: invoices per minute, failures by reason, the 1C call time', async () => {
  assert.ok(T1 > 0 && T2 > 0, 'CHART_T1 and CHART_T2 from ops/console-e2e');
  const page = await chartsPage('en-GB');
  assert.equal(await page.locator('#charts h2').innerText(), 'Last 3 h');
  assert.equal(await page.locator('#charts button[aria-pressed="true"]').innerText(), '3 h');

  const exported = page.locator('svg[data-chart="exported"]');
  assert.equal(await exported.getAttribute('role'), 'img');
  assert.equal(await exported.locator('title').first().textContent(), 'Invoices per minute');
  assert.match(await exported.locator('desc').textContent(),
    /^Invoices exported from \d\d:\d\d to \d\d:\d\d: \d+, at most [\d.]+ per minute\.$/);
  const bar = exported.locator(`rect[data-start="${bucketOf(T1)}"]`);
  assert.equal(await bar.getAttribute('data-value'), '12');
  assert.match(await bar.locator('title').textContent(), /^\d\d:\d\d–\d\d:\d\d: invoices: 12, 4 per minute$/);
  const ticks = await exported.locator('text.tick').allTextContents();
  const yTicks = ticks.filter((x) => !x.includes(':')).map(Number);
  assert.equal(yTicks[0], 0, 'the y axis from 0: ' + ticks);
  assert.ok(yTicks[yTicks.length - 1] >= 4 && yTicks.every((v, i) => i === 0 || v > yTicks[i - 1]), 'up to 4 per minute at least: ' + ticks);
  assert.equal(ticks.filter((x) => /^\d\d:\d\d$/.test(x)).length, 7, 'the hours every 10 buckets: ' + ticks);
  assert.deepEqual(await exported.locator('text.axis-title').allTextContents(), ['per minute', 'time']);
  const { drawn, api } = await totalsAgree(page, 'exported', 'rect.bar');
  assert.equal(drawn, api.totals.exported, 'every export of the window is drawn');
  assert.ok(drawn >= 12 + 5, 'the seeded 12 and the 5 the worker exported: ' + drawn);

  const failures = page.locator('svg[data-chart="failures"]');
  const stack = failures.locator(`g.stack[data-start="${bucketOf(T2)}"]`);
  assert.equal(await stack.getAttribute('data-value'), '4');
  assert.equal(await stack.locator('rect[data-outcome="transient_failure"]').getAttribute('data-value'), '3');
  assert.equal(await stack.locator('rect[data-outcome="rejected_refused_by_1c"]').getAttribute('data-value'), '1');
  assert.match(await stack.locator('title').textContent(), /: 1C failed \(retried\) 3, refused by 1C 1$/);
  const legend = await page.locator('#chart-failures .legend').innerText();
  assert.match(legend, /1C failed \(retried\) — \d+/);
  assert.match(legend, /refused by 1C — 1/);
  assert.match(legend, /not paid — \d/, "the worker's own rejections of 201-203");

  const calls = page.locator('svg[data-chart="calls"]');
  const p1 = calls.locator(`g.point[data-start="${bucketOf(T1)}"]`);
  assert.deepEqual([await p1.getAttribute('data-calls'), await p1.getAttribute('data-p50'), await p1.getAttribute('data-p95')],
    ['10', '500', '1000']);
  assert.match(await p1.locator('title').textContent(), /: P50 500\u00a0ms, P95 1\.0\u00a0s, calls: 10$/);
  const p2 = calls.locator(`g.point[data-start="${bucketOf(T2)}"]`);
  assert.match(await p2.locator('title').textContent(), /: P50 7\.1\u00a0s, P95 7\.1\u00a0s, calls: 1$/);
  assert.ok((await calls.locator('text.tick').allTextContents()).includes('8.0\u00a0s'), 'the y axis in seconds');
  assert.match(await page.locator('#chart-calls .legend').innerText(), /^P50 — [\d.]+\s(ms|s)\s+P95 — [\d.]+\s(ms|s)$/);
  await shot(page, 'overview.png');
  await page.locator('#charts').screenshot({ path: SHOTS ? join(SHOTS, 'charts.png') : join(tmpdir(), 'charts.png') });

  // Another window: the last hour holds T2 (40 minutes ago) but not T1 (100 minutes ago).
  await page.click('#charts button[data-hours="1"]');
  await page.locator('#charts[data-hours="1"]').waitFor();
  assert.equal(await page.locator('#charts h2').innerText(), 'Last hour');
  assert.equal(await page.locator('svg[data-chart="failures"] rect[data-outcome="rejected_refused_by_1c"]').count(), 1);
  assert.equal(await page.locator('svg[data-chart="calls"] g.point[data-calls="10"]').count(), 0);
  assert.deepEqual(page.csp, [], 'nothing refused by the Content-Security-Policy');
  assert.deepEqual(page.outside, [], 'nothing is loaded from elsewhere');
});

test('the charts speak Russian: labels, numbers and durations in the locale', async () => {
  const page = await chartsPage('ru-RU');
  assert.equal(await page.locator('#charts h2').innerText(), 'За последние 3 ч');
  const exported = page.locator('svg[data-chart="exported"]');
  assert.equal(await exported.locator('title').first().textContent(), 'Счетов в минуту');
  assert.match(await exported.locator('desc').textContent(), /^С \d\d:\d\d до \d\d:\d\d выгружено счетов: \d+, не больше [\d,]+ в минуту\.$/);
  assert.match(await exported.locator(`rect[data-start="${bucketOf(T1)}"] title`).textContent(), /: счетов: 12, 4 в минуту$/);
  assert.deepEqual(await exported.locator('text.axis-title').allTextContents(), ['в минуту', 'время']);
  const stack = page.locator(`svg[data-chart="failures"] g.stack[data-start="${bucketOf(T2)}"]`);
  assert.match(await stack.locator('title').textContent(), /: сбой 1С \(будет повтор\) 3, 1С отказала 1$/);
  assert.match(await page.locator('#chart-failures figcaption').innerText(), /^Неудачные попытки по причинам$/);
  assert.match(await page.locator('#chart-failures .legend').innerText(), /не оплачен — \d/);
  const calls = page.locator('svg[data-chart="calls"]');
  assert.match(await calls.locator(`g.point[data-start="${bucketOf(T1)}"] title`).textContent(),
    /: P50 500\u00a0мс, P95 1,0\u00a0с, вызовов: 10$/);
  assert.match(await calls.locator(`g.point[data-start="${bucketOf(T2)}"] title`).textContent(), /P95 7,1\u00a0с/);
  const ticks = await calls.locator('text.tick').allTextContents();
  assert.ok(ticks.includes('8,0\u00a0с') && ticks.includes('0\u00a0мс'), 'durations in the locale: ' + ticks);
  const text = await page.locator('#charts').innerText();
  assert.doesNotMatch(text, RAW_KEYS, 'outcomes named in Russian');
  assert.doesNotMatch(text, /\d\.\d|\bms\b|\bcalls\b|per minute/);
  await page.locator('#charts').screenshot({ path: SHOTS ? join(SHOTS, 'charts-ru.png') : join(tmpdir(), 'charts-ru.png') });
  await page.click('#charts button[data-hours="1"]');
  assert.equal(await page.locator('#charts[data-hours="1"] h2').innerText(), 'За последний час');
  assert.deepEqual(page.csp, []);
});

test('each chart says so when its window holds nothing, or when its source is out of reach', async () => {
  const page = await browser(OPERATOR, 'ru-RU');
  // The console's real answer for the last hour, emptied (the seeded history fills every window), then one whose
  // sources failed: what the page draws for each.
  const real = await (await page.request.get(URL + '/api/charts?hours=1')).json();
  const empty = structuredClone(real);
  for (const b of empty.buckets) Object.assign(b, { exported: 0, exported_per_minute: 0, failures: {}, calls: 0, call_p50_ms: null, call_p95_ms: null });
  Object.assign(empty.totals, { exported: 0, peak_per_minute: 0, failures: {}, calls: 0, call_p50_ms: null, call_p95_ms: null });
  let answer = empty;
  await page.route((u) => u.pathname === '/api/charts' && u.searchParams.get('hours') === '1',
    (route) => route.fulfill({ json: answer }));
  await page.goto(URL + '/');
  await page.locator('#charts').waitFor();
  await page.click('#charts button[data-hours="1"]');
  await page.locator('#charts[data-hours="1"]').waitFor();
  assert.equal(await page.locator('#charts svg').count(), 0, 'no empty axes');
  assert.deepEqual(await page.locator('#charts .chart-empty').allInnerTexts(), ['За последний час счета не выгружались.',
    'За последний час неудачных попыток не было.', 'За последний час вызовов 1С с замером времени не было.']);
  answer = Object.assign(structuredClone(real), { attempts_error: 'attempt history unavailable', call_times_error: 'Redis unreachable' });
  await page.reload(); // the page keeps an answer 30 s: a new page asks again
  await page.locator('#charts').waitFor();
  await page.click('#charts button[data-hours="1"]');
  await page.locator('#charts[data-hours="1"] .chart-empty').first().waitFor();
  assert.deepEqual(await page.locator('#charts .chart-empty').allInnerTexts(), ['История попыток недоступна.',
    'История попыток недоступна.', 'Redis недоступен: время вызовов неизвестно.']);
  await page.unrouteAll({ behavior: 'ignoreErrors' }); // as below: nothing routed outlives the test
});

test('every DLQ entry is requeued by its own button after its own confirmation', async () => {
  const page = await browser(OPERATOR);
  await page.goto(URL + '/dlq');
  await page.locator('section[data-reason="invalid"]').waitFor();
  await page.locator('button.requeue-every').click();
  await page.locator('#confirm[open]').waitFor();
  assert.match(await page.locator('#confirm-text').innerText(), /every DLQ entry \(1\), whatever its reason/);
  await page.click('#confirm-cancel');
  assert.equal(await page.locator('section[data-reason="invalid"]').count(), 1, 'cancelled: nothing requeued');
  await page.locator('button.requeue-every').click();
  await page.locator('#confirm[open]').waitFor();
  await page.click('#confirm-ok');
  await page.locator('.flash').waitFor();
  assert.match(await page.locator('.flash').innerText(), /Requeued: 1/);
  const star = await page.evaluate(async () => (await fetch('/api/dlq/*/requeue', { method: 'POST' })).status);
  assert.equal(star, 400, "'*' is not an order id");
});

test("the 1C card names wrong credentials or missing rights and says what to check, in both languages", async () => {
  // The console's real overview with 1C's latest answer a 401, as a worker records a wrong ONEC_PASSWORD
  // (attempt outcome not_configured, HTTP 401): the card is red and says what to check, 1C's text under it.
  const said = '1C rejected the credentials (401): check ONEC_USERNAME and ONEC_PASSWORD';
  for (const [locale, badge, what] of [
    ['en-GB', /^refuses the exporter since .+: wrong ONEC_USERNAME\/ONEC_PASSWORD \(401\) or the 1C user lacks rights \(403\)/, said],
    ['ru-RU', /^1С не пускает выгрузку с .+: неверные ONEC_USERNAME\/ONEC_PASSWORD \(401\) или у пользователя 1С нет прав \(403\)/,
      '1С не приняла имя пользователя или пароль (401): проверьте ONEC_USERNAME и ONEC_PASSWORD']]) {
    const page = await browser(OPERATOR, locale);
    await page.route((u) => u.pathname === '/api/overview', async (route) => {
      const real = await (await route.fetch()).json();
      const at = new Date(Date.now() - 60_000).toISOString();
      real.onec = { state: 'access_refused', since: at, last_call_at: at, last_call_outcome: 'not_configured',
        last_http_status: 401, last_error: said };
      await route.fulfill({ json: real });
    });
    await page.goto(URL + '/');
    const state = page.locator('#onec-state');
    await state.waitFor();
    assert.equal(await state.getAttribute('data-state'), 'access_refused');
    assert.match(await state.getAttribute('class'), /\bbad\b/);
    assert.match(await state.innerText(), badge);
    assert.equal(await page.locator('#onec-what').innerText(), what);
    // The page goes on polling /api/overview through this route; a poll in flight when the browser closes would
    // fail its route.fetch ("Request context disposed") and with it this test.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  }
});
