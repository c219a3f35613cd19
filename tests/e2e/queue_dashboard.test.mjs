// The dashboard's live 排队与坐席 panel (GET /api/v1/queue every 2 s): who waits, how long and
// with what priority, 设为紧急 (POST /api/v1/sessions/{id}/urgent), and the lawyers' status
// with the reason routing gave (a lawyer who lets an offer ring out is set AWAY, missed_offers).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  callerSaved, http, loginHttp, openConsole, startCallerChat, startStack, waitFor, waitForText, waitVisible,
} from './harness.mjs';

const RING_SECONDS = 2;
const LAWYER = {
  username: 'lawyer.tang', password: 'Tang-Pass-2024', role: 'LAWYER', name: '唐律师',
  categories: ['consult.marriage'], languages: ['zh'],
};
const SUPERVISOR = { username: 'super.song', password: 'Song-Pass-2024', role: 'SUPERVISOR', name: '宋主管' };

let stack;
let browser;

before(async () => {
  stack = await startStack({
    name: 'queue-dashboard',
    accounts: [LAWYER, SUPERVISOR],
    config: { routing: { ring_timeout_seconds: RING_SECONDS, max_missed_offers: 1, reconnect_grace_seconds: 30 } },
  });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

test('the live queue panel: waiting callers, 设为紧急, lawyers and the reason for their status', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    const elderly = await startCallerChat(stack, browser, base, 'caller-elderly', { priority: '老年人' });
    await waitForText(elderly.page, '#position', /第\s*1\s*位/, 'the first caller in line');
    const plain = await startCallerChat(stack, browser, base, 'caller-plain');
    await waitForText(plain.page, '#position', /第\s*2\s*位/, 'the second caller in line');
    const elderlyId = (await callerSaved(elderly.page)).sessionId;
    const plainId = (await callerSaved(plain.page)).sessionId;

    // ---- the API's access rules ----
    const lawyerLogin = await loginHttp(base, LAWYER.username, LAWYER.password);
    const sup = await loginHttp(base, SUPERVISOR.username, SUPERVISOR.password);
    const anon = await http(base, '/api/v1/queue');
    assert.equal(anon.status, 401, `no token: 401 (${anon.text})`);
    const asLawyer = await http(base, '/api/v1/queue', { token: lawyerLogin.token });
    assert.equal(asLawyer.status, 403, `a lawyer's token: 403 (${asLawyer.text})`);
    assert.equal(asLawyer.json && asLawyer.json.error && asLawyer.json.error.code, 'FORBIDDEN');
    const urgentAsLawyer = await http(base, `/api/v1/sessions/${plainId}/urgent`, { method: 'POST', token: lawyerLogin.token });
    assert.equal(urgentAsLawyer.status, 403, `设为紧急 with a lawyer's token: 403 (${urgentAsLawyer.text})`);
    const snap = await http(base, '/api/v1/queue', { token: sup.token });
    assert.equal(snap.status, 200, snap.text);
    const waiting = snap.json.waiting || [];
    assert.deepEqual(waiting.map((w) => w.sessionId), [elderlyId, plainId], `both callers wait, oldest first: ${snap.text}`);
    assert.equal(waiting[0].priority, 'ELDERLY', 'the first caller\'s priority');
    assert.ok(Number(waiting[0].enqueuedAtMs) > 0, 'enqueuedAtMs');

    // ---- the dashboard ----
    const manager = await stack.newPage(browser, 'dashboard');
    await manager.page.goto(`${base}/dashboard.html`);
    await manager.page.fill('#username', SUPERVISOR.username);
    await manager.page.fill('#password', SUPERVISOR.password);
    await manager.page.click('#login-btn');
    await waitVisible(manager.page, '#dashboard-section', 'the dashboard');
    const row = (id) => `#waiting-rows tr[data-session-id="${id}"]`;
    await waitVisible(manager.page, row(elderlyId), 'the first caller in the waiting table');
    await waitVisible(manager.page, row(plainId), 'the second caller in the waiting table');
    await waitForText(manager.page, `${row(elderlyId)} td[data-col=priority]`, '老年人', 'the priority group 老年人');
    await waitForText(manager.page, `${row(elderlyId)} td[data-col=category]`, '婚姻家庭', 'the category');
    await waitForText(manager.page, `${row(elderlyId)} td[data-col=waited]`, /\d+ 秒|\d+ 分/, 'the waited time');
    await waitForText(manager.page, '#waiting-count', '2', 'two waiting');
    await stack.screenshot(manager.page, 'dashboard-1-queue');

    await manager.page.click(`${row(plainId)} [data-testid=make-urgent]`);
    await waitForText(manager.page, `${row(plainId)} td[data-col=priority]`, '紧急', 'the second caller marked 紧急');
    await waitFor('the 设为紧急 button to be spent', async () => !(await manager.page.isEnabled(`${row(plainId)} [data-testid=make-urgent]`)));
    const after1 = await http(base, '/api/v1/queue', { token: sup.token });
    const plainNow = (after1.json.waiting || []).find((w) => w.sessionId === plainId);
    assert.equal(plainNow && plainNow.priority, 'URGENT', `the snapshot says URGENT: ${after1.text}`);
    const missing = await http(base, '/api/v1/sessions/no-such-session/urgent', { method: 'POST', token: sup.token });
    assert.equal(missing.status, 404, `an unknown session: 404 (${missing.text})`);

    // ---- the lawyer lets the offer ring out: AWAY, missed_offers ----
    const lawyer = await openConsole(stack, browser, base, LAWYER, 'lawyer');
    assert.equal(await lawyer.page.isVisible('#agent-status-reason'), false, 'no notice when the lawyer set 在线 themselves');
    await waitVisible(lawyer.page, '#offer-panel', 'the offer rings', 10000);
    await waitForText(lawyer.page, '#agent-status', '离开', 'the lawyer set AWAY after the offer rang out', (RING_SECONDS + 8) * 1000);
    await waitForText(lawyer.page, '#agent-status-reason', '连续未接，已自动置为离开', 'the console says why');
    await waitFor('the lawyer in the dashboard\'s lawyer table', async () => (await manager.page.locator('#agent-rows tr').count()) > 0);
    const byName = manager.page.locator('#agent-rows tr').filter({ hasText: LAWYER.name });
    await waitFor('the lawyer shown 离开 with the reason on the dashboard', async () => {
      const text = (await byName.count()) ? await byName.first().textContent() : '';
      return text.includes('离开') && text.includes('连续未接');
    }, { timeoutMs: 8000, detail: async () => `rows: ${JSON.stringify(await manager.page.locator('#agent-rows tr').allTextContents())}` });
    await stack.screenshot(manager.page, 'dashboard-2-agents');

    // both callers still wait
    await waitVisible(elderly.page, '#queue-panel', 'the first caller still in line');
    await waitVisible(plain.page, '#queue-panel', 'the second caller still in line');
    for (const p of [elderly, plain, manager, lawyer]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});
