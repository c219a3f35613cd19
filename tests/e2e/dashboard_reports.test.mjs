// The manager's dashboard over generated history: `hotline simulate` books 30 days of traffic
// through the real queue scripts; the dashboard's Chart.js charts (served from web/vendor/) hold
// what GET /api/v1/reports/summary says for the same period, the staffing table what
// /api/v1/reports/staffing says; the wallboard tiles move when a caller joins, over /ws/wallboard
// (never polled) and reconnect after a drop; the summary CSV and the disclosure downloads carry
// the bearer token in a header, never in the URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  centreDay, getSummary, http, int64, loginHttp, pollSummary, simulate, sleep, startCallerChat, startStack, waitFor,
  waitForText, waitVisible,
} from './harness.mjs';

const SUPERVISOR = { username: 'super.zhou', password: 'Zhou-Pass-2024', role: 'SUPERVISOR', name: '周主管' };
const FROM = centreDay(-30);
const TO = centreDay(-1);
const YEAR = TO.slice(0, 4);

let stack;
let browser;
let token;
let simulated;
let catalog;

before(async () => {
  stack = await startStack({ name: 'dashboard-reports', accounts: [SUPERVISOR] });
  simulated = await simulate(stack, { from: FROM, to: TO, perDay: 40, lawyers: 4, seed: 7 });
  token = (await loginHttp(stack.baseUrl, SUPERVISOR.username, SUPERVISOR.password)).token;
  // Booked by the real scripts; the running gateway archives it within a second or two.
  await pollSummary(stack.baseUrl, token, (r) => int64(r.total && r.total.offered) === simulated.sessions,
    `the report of ${FROM}..${TO} to count the ${simulated.sessions} simulated sessions`,
    { timeoutMs: 30000, params: { from: FROM, to: TO } });
  catalog = (await http(stack.baseUrl, '/api/v1/catalog')).json;
  browser = await stack.launchBrowser();
}, { timeout: 180000 });

after(async () => {
  if (stack) await stack.stop();
});

// A fresh page logged in as the supervisor; setup(page) runs first (to attach listeners or routes).
async function openDashboard(label, setup) {
  const m = await stack.newPage(browser, label);
  if (setup) await setup(m.page);
  await m.page.goto(`${stack.baseUrl}/dashboard.html`);
  await m.page.fill('#username', SUPERVISOR.username);
  await m.page.fill('#password', SUPERVISOR.password);
  await m.page.click('#login-btn');
  await waitVisible(m.page, '#dashboard-section', `${label}: the dashboard after login`);
  return m;
}

async function showPeriod(page, from, to) {
  await page.fill('#hist-from', from);
  await page.fill('#hist-to', to);
  await page.click('[data-testid=hist-apply]');
  await waitFor(`the history of ${from}..${to} to be drawn`, async () => page.evaluate(
    (want) => document.getElementById('history').dataset.loaded === want
      && document.getElementById('history').dataset.state === 'ready', `${from}..${to}`), {
    timeoutMs: 30000,
    detail: async () => `history state ${await page.getAttribute('#history', 'data-state')}, error ${
      JSON.stringify(await page.textContent('#history-error'))}`,
  });
}

// What Chart.js holds for each canvas.
function chartData(page) {
  return page.evaluate(() => Object.fromEntries(['daily', 'monthly', 'hourly', 'category'].map((name) => {
    const canvas = document.getElementById(`chart-${name}`);
    const chart = window.Chart && window.Chart.getChart(canvas);
    if (!chart) return [name, null];
    return [name, {
      type: chart.config.type,
      labels: [...chart.data.labels],
      datasets: chart.data.datasets.map((d) => ({ label: d.label, type: d.type || chart.config.type, data: [...d.data] })),
      area: chart.chartArea ? { width: chart.chartArea.width, height: chart.chartArea.height } : null,
    }];
  })));
}

const dataset = (chart, label) => {
  const d = chart.datasets.find((x) => x.label === label);
  assert.ok(d, `a dataset "${label}" in ${JSON.stringify(chart.datasets.map((x) => x.label))}`);
  return d;
};
const sum = (xs) => xs.reduce((a, x) => a + Number(x || 0), 0);
const pct = (v) => (v === undefined || v === null ? null : v * 100);
function assertRates(actual, rows, field, what) {
  assert.equal(actual.length, rows.length, `${what}: one point per row`);
  rows.forEach((r, i) => {
    const want = pct(r[field]);
    if (want === null) assert.equal(actual[i], null, `${what} ${r.key}: no base, a gap`);
    else assert.ok(Math.abs(actual[i] - want) < 1e-9, `${what} ${r.key}: ${actual[i]} vs the report's ${want}`);
  });
}

test('the charts and the staffing table hold the report API\'s figures of the chosen period', { timeout: 120000 }, async (t) => {
  await stack.run(t, async () => {
    const opened = Date.now();
    const m = await openDashboard('dashboard-charts');
    await waitFor('the default period\'s history', async () => (await m.page.getAttribute('#history', 'data-state')) === 'ready',
      { timeoutMs: 30000 });
    t.diagnostic(`login and the default history took ${Date.now() - opened} ms`);
    // The default period is the last 30 days.
    assert.equal(await m.page.inputValue('#hist-to'), centreDay(0), 'the default period ends today');
    assert.equal(await m.page.inputValue('#hist-from'), centreDay(-29), 'the default period is 30 days long');
    assert.equal(await m.page.evaluate(() => typeof window.Chart), 'function', 'Chart.js is loaded from vendor/');

    const started = Date.now();
    await showPeriod(m.page, FROM, TO);
    t.diagnostic(`the history of ${FROM}..${TO} drawn ${Date.now() - started} ms after 查询`);
    const params = { from: FROM, to: TO };
    const [daily, monthly, hourly, byCategory] = await Promise.all(['day', 'month', 'hour', 'category']
      .map((groupBy) => getSummary(stack.baseUrl, token, { ...params, groupBy })));
    const offered = int64(daily.total.offered);
    assert.ok(offered > 0, `the report counts the simulated history: ${JSON.stringify(daily.total)}`);
    const charts = await chartData(m.page);
    for (const [name, c] of Object.entries(charts)) {
      assert.ok(c, `a Chart.js chart on #chart-${name}`);
      assert.ok(c.area && c.area.width > 50 && c.area.height > 50, `#chart-${name} has a drawing area: ${JSON.stringify(c.area)}`);
    }

    // 每日呼入量与接通率: bars of offered, a line of the answer rate, one per day
    const d = charts.daily;
    assert.equal(d.labels.length, 30, 'thirty days');
    assert.deepEqual(d.labels, daily.rows.map((r) => r.key), 'one label per day of the report');
    const dOffered = dataset(d, '呼入量');
    assert.equal(dOffered.type, 'bar');
    assert.deepEqual(dOffered.data, daily.rows.map((r) => int64(r.offered)), 'offered per day');
    assert.equal(sum(dOffered.data), offered, 'the daily bars add up to the report\'s total offered');
    const dRate = dataset(d, '接通率');
    assert.equal(dRate.type, 'line');
    assertRates(dRate.data, daily.rows, 'answerRate', 'answer rate per day');

    // 每月满意率
    const mo = charts.monthly;
    assert.deepEqual(mo.labels, monthly.rows.map((r) => r.key), 'one label per month');
    assert.ok(mo.labels.length >= 1 && mo.labels.length <= 2, `30 days span one or two months: ${mo.labels}`);
    assertRates(dataset(mo, '满意率').data, monthly.rows, 'satisfaction', 'satisfaction per month');
    assert.ok(sum(monthly.rows.map((r) => int64(r.rated))) > 0, 'the simulated callers rated');

    // 各时段呼入量: the 24 hours of the day
    const h = charts.hourly;
    assert.equal(h.labels.length, 24, `24 hours: ${h.labels}`);
    assert.equal(h.labels[0], '00:00');
    assert.equal(h.labels[23], '23:00');
    assert.deepEqual(dataset(h, '呼入量').data, hourly.rows.map((r) => int64(r.offered)), 'offered per hour');
    assert.equal(sum(dataset(h, '呼入量').data), offered, 'the hours add up to the total');

    // 各类别呼入量: the catalog's Chinese names
    const c = charts.category;
    const names = new Map(catalog.categories.map((x) => [x.code, x.name]));
    const wantByName = new Map(byCategory.rows.map((r) => [names.get(r.key), int64(r.offered)]));
    assert.equal(c.labels.length, byCategory.rows.length, 'one bar per category of the report');
    for (const label of c.labels) {
      assert.match(label, /^[\u4e00-\u9fff]+$/, `the category label "${label}" is a Chinese name`);
      assert.ok(wantByName.has(label), `"${label}" is the name of a category in the report`);
    }
    const cOffered = dataset(c, '呼入量').data;
    c.labels.forEach((label, i) => assert.equal(cOffered[i], wantByName.get(label), `offered of ${label}`));
    assert.equal(sum(cOffered), offered, 'the categories add up to the total');

    // 排班建议: the staffing API's hours and advice
    const staffing = await http(stack.baseUrl, `/api/v1/reports/staffing?from=${FROM}&to=${TO}`, { token });
    assert.equal(staffing.status, 200, staffing.text);
    const hours = staffing.json.hours || [];
    assert.equal(hours.length, 24, 'the staffing report has 24 hours');
    assert.ok(staffing.json.advice, `the staffing report has advice: ${staffing.text.slice(-300)}`);
    await waitForText(m.page, '#staffing-advice', staffing.json.advice, 'the advice sentence');
    const rows = await m.page.$$eval('#staffing-rows tr', (trs) => trs.map((tr) => Object.fromEntries(
      [...tr.querySelectorAll('[data-col]')].map((td) => [td.dataset.col, td.textContent.trim()]))));
    assert.equal(rows.length, 24, 'a row per hour');
    hours.forEach((hr, i) => {
      const row = rows[i];
      const hour = String(hr.hour || 0).padStart(2, '0');
      assert.ok(row.hour.startsWith(`${hour}:00`), `row ${i} is hour ${hour}: ${row.hour}`);
      assert.equal(row.arrivals, Number(hr.arrivalsPerHour || 0).toFixed(2), `arrivals per hour at ${hour}`);
      assert.equal(row.erlangC, String(hr.neededErlangC || 0), `Erlang C at ${hour}`);
      assert.equal(row.erlangA, String(hr.neededErlangA || 0), `Erlang A at ${hour}`);
      assert.equal(row.onDuty, Number(hr.onDuty || 0).toFixed(1), `on duty at ${hour}`);
      assert.equal(row.shortfall, String(hr.shortfall || 0), `shortfall at ${hour}`);
    });

    const shot = await stack.screenshot(m.page, 'dashboard-reports');
    t.diagnostic(`screenshot: ${shot}`);
    assert.deepEqual(m.errors, [], 'no uncaught page errors');
  });
});

test('the wallboard moves when a caller joins, pushed over /ws/wallboard, and ticks the longest wait', { timeout: 120000 }, async (t) => {
  await stack.run(t, async () => {
    const frames = [];
    const sockets = [];
    const polled = [];
    const m = await openDashboard('dashboard-wallboard', async (page) => {
      page.on('websocket', (ws) => {
        if (!new URL(ws.url()).pathname.startsWith('/ws/wallboard')) return;
        sockets.push(ws.url());
        ws.on('framereceived', (f) => {
          try {
            frames.push(JSON.parse(f.payload));
          } catch (e) {
            frames.push({ unparsed: String(f.payload) });
          }
        });
      });
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/v1/stats/realtime') polled.push(r.url());
      });
    });
    const { page } = m;
    await waitFor('the first wallboard frame', () => frames.some((f) => f.wallboard), { timeoutMs: 15000 });
    await waitFor('the 排队人数 tile to show a number', async () => /^\d+$/.test((await page.textContent('#wall-waiting')).trim()));
    const before = Number((await page.textContent('#wall-waiting')).trim());
    const realtime = await http(stack.baseUrl, '/api/v1/stats/realtime', { token });
    assert.equal(realtime.status, 200, realtime.text);
    assert.equal(before, realtime.json.waiting || 0, `the tile agrees with GET /api/v1/stats/realtime: ${realtime.text}`);
    // The four simulated lawyers are signed out: the 律师状态 tile says so.
    const offline = await page.textContent('#wall-lawyers li[data-status=OFFLINE] strong');
    assert.equal(Number(offline), (realtime.json.lawyersByStatus || {}).OFFLINE || 0, 'lawyers 离线');
    await page.evaluate(() => { window.e2eMarker = 'no reload'; });
    const framesBefore = frames.length;

    // No lawyer is signed in: the caller waits.
    const caller = await startCallerChat(stack, browser, stack.baseUrl, 'caller-waiting', { category: '婚姻家庭' });
    await waitForText(page, '#wall-waiting', String(before + 1), 'the 排队人数 tile to go up by one', 15000);
    assert.equal(await page.evaluate(() => window.e2eMarker), 'no reload', 'the page was not reloaded');
    const pushed = frames.slice(framesBefore).filter((f) => f.wallboard);
    assert.ok(pushed.some((f) => (f.wallboard.waiting || 0) === before + 1),
      `a wallboard frame with waiting ${before + 1} came over the WebSocket: ${JSON.stringify(pushed)}`);
    assert.deepEqual(polled, [], 'the page never asked GET /api/v1/stats/realtime');
    assert.equal(sockets.length, 1, `one wallboard socket: ${sockets}`);

    // 最长等待 counts on between pushes.
    const seconds = async () => {
      const text = (await page.textContent('#wall-longest')).trim();
      const mm = /^(?:(\d+) 分 )?(\d+) 秒$/.exec(text);
      return mm ? Number(mm[1] || 0) * 60 + Number(mm[2]) : null;
    };
    await waitFor('the longest wait to show seconds', async () => (await seconds()) !== null);
    const s1 = await seconds();
    const framesAtS1 = frames.length;
    await sleep(2500);
    const s2 = await seconds();
    assert.ok(s2 >= s1 + 2, `the longest wait ticks: ${s1} s then ${s2} s`);
    t.diagnostic(`longest wait ${s1} s → ${s2} s with ${frames.length - framesAtS1} frames in between`);
    await waitForText(page, '#wall-answered', '今日呼入 1', 'today\'s offered on the wallboard');
    await stack.screenshot(page, 'dashboard-wallboard');

    // The caller leaves: the tile goes back down, again without a poll.
    await caller.page.click('#leave-btn');
    await caller.context.close();
    await waitForText(page, '#wall-waiting', String(before), 'the 排队人数 tile to go back down', 20000);
    assert.deepEqual(polled, [], 'still no GET /api/v1/stats/realtime');
    assert.deepEqual(m.errors, [], 'no uncaught page errors');
  });
});

test('the wallboard reconnects after its socket drops', { timeout: 120000 }, async (t) => {
  await stack.run(t, async () => {
    const routes = [];
    const m = await openDashboard('dashboard-reconnect', async (page) => {
      // Pass the socket through to the gateway, keeping a handle to cut it.
      await page.routeWebSocket(/\/ws\/wallboard/, (ws) => {
        ws.connectToServer();
        routes.push(ws);
      });
    });
    const { page } = m;
    await waitFor('the wallboard socket', () => routes.length === 1);
    await waitFor('the first wallboard frame', async () => Number(await page.getAttribute('#wallboard', 'data-frames')) >= 1,
      { timeoutMs: 15000 });
    assert.equal(await page.getAttribute('#wall-status', 'data-status'), 'open', 'the wallboard socket is open');
    const before = Number((await page.textContent('#wall-waiting')).trim());
    assert.ok(Number.isInteger(before), `the 排队人数 tile shows a number: ${before}`);
    await routes[0].close({ code: 1011, reason: 'e2e: dropped' });
    await waitFor('a second wallboard socket after the drop', () => routes.length === 2, { timeoutMs: 15000 });
    await waitFor('the status to say connected again', async () =>
      (await page.getAttribute('#wall-status', 'data-status')) === 'open', { timeoutMs: 15000 });
    const caller = await startCallerChat(stack, browser, stack.baseUrl, 'caller-after-drop', { category: '交通事故' });
    await waitForText(page, '#wall-waiting', String(before + 1), 'the tile moves over the new socket', 15000);
    await caller.context.close();
    assert.deepEqual(m.errors, [], 'no uncaught page errors');
  });
});

test('the summary CSV and the disclosure downloads', { timeout: 120000 }, async (t) => {
  await stack.run(t, async () => {
    const reportRequests = [];
    const m = await openDashboard('dashboard-downloads', async (page) => {
      page.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/api/v1/reports/')) {
          reportRequests.push({ url: r.url(), authorization: r.headers().authorization || '' });
        }
      });
    });
    const { page } = m;
    await showPeriod(page, FROM, TO);
    const download = async (selector, name) => {
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), page.click(selector)]);
      const file = stack.file(name);
      await dl.saveAs(file);
      return { file, suggested: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
    };

    // summary CSV, by day
    await page.selectOption('#csv-group', 'day');
    const csv = await download('#summary-csv', 'summary-day.csv');
    assert.equal(csv.suggested, `summary-${FROM}-${TO}.csv`, 'the server\'s file name');
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with the UTF-8 byte-order mark');
    const report = await getSummary(stack.baseUrl, token, { from: FROM, to: TO, groupBy: 'day' });
    const lines = csv.bytes.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
    const [header, ...body] = lines;
    assert.match(header, /^[a-z_]+(,[a-z_]+)+$/, `a header line: ${header}`);
    assert.ok(header.split(',').includes('offered'), 'the header names offered');
    const totalLines = body.filter((l) => l.startsWith('total,'));
    assert.equal(totalLines.length, 1, `one total row: ${JSON.stringify(body.slice(-2))}`);
    assert.equal(body.length, report.rows.length + 1, `a line per report row (${report.rows.length}) and the total`);
    const offeredCol = header.split(',').indexOf('offered');
    assert.equal(Number(totalLines[0].split(',')[offeredCol]), int64(report.total.offered), 'the total row\'s offered');
    body.filter((l) => !l.startsWith('total,')).forEach((l, i) => assert.ok(l.startsWith(`${report.rows[i].key},`),
      `CSV row ${i} is ${report.rows[i].key}: ${l.slice(0, 40)}`));

    // disclosure: Markdown, printable HTML, JSON
    await page.fill('#disclosure-year', YEAR);
    const disclosure = await http(stack.baseUrl, `/api/v1/reports/disclosure?year=${YEAR}&format=json`, { token });
    assert.equal(disclosure.status, 200, disclosure.text);
    const yearOffered = int64(disclosure.json.byMonth.total.offered);
    assert.ok(yearOffered > 0, 'the year has the simulated sessions');

    const md = await download('#disclosure-md', 'disclosure.md');
    assert.equal(md.suggested, `disclosure-${YEAR}.md`);
    const mdText = md.bytes.toString('utf8');
    assert.match(mdText, /接通率/, 'the Markdown says 接通率');
    assert.ok(mdText.includes(`${yearOffered}人次`), `the Markdown counts the year's ${yearOffered} sessions`);

    const html = await download('#disclosure-html', 'disclosure.html');
    assert.equal(html.suggested, `disclosure-${YEAR}.html`);
    const htmlText = html.bytes.toString('utf8');
    assert.match(htmlText, /接通率/, 'the HTML says 接通率');
    assert.match(htmlText, /<table/, 'the HTML has its tables');
    const printable = await m.context.newPage();
    await printable.goto(pathToFileURL(html.file).href);
    await stack.screenshot(printable, 'disclosure-html');
    await printable.close();

    const json = await download('#disclosure-json', 'disclosure.json');
    assert.equal(json.suggested, `disclosure-${YEAR}.json`);
    const parsed = JSON.parse(json.bytes.toString('utf8'));
    assert.equal(String(parsed.year), YEAR, 'the JSON is of the chosen year');
    assert.match(parsed.paragraph, /接通率/);

    // Every report request, the four downloads included, carried the token in its header only.
    const downloads = reportRequests.filter((r) => /format=(csv|md|html)/.test(r.url) || /disclosure\?.*format=json/.test(r.url));
    assert.equal(downloads.length, 4, `the four downloads: ${JSON.stringify(reportRequests.map((r) => r.url))}`);
    for (const r of reportRequests) {
      assert.ok(!/token/i.test(new URL(r.url).search), `no token in the URL: ${r.url}`);
      assert.match(r.authorization, /^Bearer \S+$/, `a bearer token in the header of ${r.url}`);
    }
    assert.deepEqual(m.errors, [], 'no uncaught page errors');
  });
});
