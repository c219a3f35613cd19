// A citizen chats with a duty lawyer from end to end, in two real browser contexts, against a
// real gateway and redis-server; then the report and the dashboard show the session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  getSummary, int64, loginHttp, pollSummary, startStack, waitFor, waitForText, waitHidden, waitVisible,
} from './harness.mjs';

const LAWYER = {
  username: 'lawyer.zhang', password: 'Zhang-Pass-2024', role: 'LAWYER', name: '张律师',
  categories: ['consult.marriage'], languages: ['zh'], chatCapacity: 3,
};
const SUPERVISOR = { username: 'super.li', password: 'Li-Pass-2024', role: 'SUPERVISOR', name: '李主管' };
const RING_TIMEOUT_SECONDS = 30;

const CALLER_TEXT = '您好，我想咨询离婚时共同财产如何分割。';
const LAWYER_TEXT = '您好，我是值班律师，请说一下房产是婚前还是婚后购买的？';

let stack;
let browser;

before(async () => {
  stack = await startStack({
    name: 'chat-flow',
    accounts: [LAWYER, SUPERVISOR],
    config: { routing: { ring_timeout_seconds: RING_TIMEOUT_SECONDS, wrap_up_seconds: 120 } },
  });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

test('caller and lawyer chat, the lawyer files the work order, the caller rates, the figures add up', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;

    // ---- the caller queues ----
    const caller = await stack.newPage(browser, 'caller');
    await caller.page.goto(`${base}/chat.html`);
    await waitFor('the category list to load from /api/v1/catalog',
      async () => (await caller.page.locator('#category option').count()) > 1);
    await caller.page.selectOption('#category', { label: '婚姻家庭' });
    await caller.page.selectOption('#language', { label: '普通话' });
    assert.equal(await caller.page.inputValue('#category'), 'consult.marriage', 'the catalog maps 婚姻家庭 to consult.marriage');
    assert.equal(await caller.page.inputValue('#language'), 'zh', 'the catalog maps 普通话 to zh');
    await caller.page.click('#start-btn');
    await waitVisible(caller.page, '#queue-panel', 'the caller to see the queue panel after 开始咨询');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'the caller to see place 1 in line');
    await stack.screenshot(caller.page, 'chat-1-waiting');

    // ---- the lawyer logs in and takes the offer ----
    const lawyer = await stack.newPage(browser, 'lawyer');
    await lawyer.page.goto(`${base}/console.html`);
    await lawyer.page.fill('#username', LAWYER.username);
    await lawyer.page.fill('#password', LAWYER.password);
    await lawyer.page.click('#login-btn');
    await waitVisible(lawyer.page, '#agent-section', 'the console to open after login');
    await waitForText(lawyer.page, '#agent-name', LAWYER.name, 'the console to show the lawyer\'s name');
    await waitFor('the status buttons to be enabled (the agent socket to open)',
      () => lawyer.page.isEnabled('#status-available'));
    await lawyer.page.click('#status-available');
    await waitForText(lawyer.page, '#agent-status', '在线', 'the lawyer\'s status to become 在线 (AVAILABLE)');

    await waitVisible(lawyer.page, '#offer-panel', 'the offer to show on the console', 15000);
    await waitForText(lawyer.page, '#offer-category', '婚姻家庭', 'the offer to show the category');
    await waitForText(lawyer.page, '#offer-language', '普通话', 'the offer to show the language');
    const first = Number(await waitForText(lawyer.page, '#offer-countdown', /^\d+$/, 'a numeric countdown'));
    assert.ok(first > 0 && first <= RING_TIMEOUT_SECONDS, `countdown ${first} should be within (0, ${RING_TIMEOUT_SECONDS}]`);
    await waitFor('the countdown to tick down',
      async () => Number(await lawyer.page.textContent('#offer-countdown')) < first, { timeoutMs: 3000 });
    await stack.screenshot(lawyer.page, 'console-1-offer');

    // The caller still waits while the lawyer's console rings (OFFERED is shown as waiting).
    assert.ok(await caller.page.isVisible('#queue-panel'), 'the caller still sees the queue while the offer rings');

    await lawyer.page.click('#offer-accept');
    await waitHidden(lawyer.page, '#offer-panel', 'the offer to go away after 接受');
    await waitVisible(lawyer.page, '[data-testid=session-pane]', 'a session pane after accepting');
    const pane = lawyer.page.locator('[data-testid=session-pane]').first();
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-state]', '已接通',
      'the session pane to show 已接通');

    // ---- the caller is connected ----
    await waitForText(caller.page, '#lawyer-name', LAWYER.name, 'the caller to see the lawyer\'s name');
    await waitHidden(caller.page, '#queue-panel', 'the queue panel to go away once connected');
    await waitFor('the caller\'s message box to be enabled', () => caller.page.isEnabled('#chat-input'));

    // ---- a message each way; both sides see both ----
    await caller.page.fill('#chat-input', CALLER_TEXT);
    await caller.page.click('#send-btn');
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-messages]', CALLER_TEXT,
      'the lawyer to receive the caller\'s message');
    await waitForText(caller.page, '#messages', CALLER_TEXT, 'the caller to see their own message echoed back');

    const lawyerInput = pane.locator('[data-testid=session-input]');
    await lawyerInput.fill(LAWYER_TEXT);
    await lawyerInput.press('Enter');
    await waitForText(caller.page, '#messages', LAWYER_TEXT, 'the caller to receive the lawyer\'s message');
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-messages]', LAWYER_TEXT,
      'the lawyer to see their own message echoed back');

    const count = (page, scope, from, text) => page.locator(`${scope} li[data-from=${from}]`).filter({ hasText: text }).count();
    assert.equal(await count(caller.page, '#messages', 'CALLER', CALLER_TEXT), 1, 'caller page: the caller\'s message once');
    assert.equal(await count(caller.page, '#messages', 'LAWYER', LAWYER_TEXT), 1, 'caller page: the lawyer\'s message once');
    assert.equal(await count(lawyer.page, '[data-testid=session-pane]', 'CALLER', CALLER_TEXT), 1, 'console: the caller\'s message once');
    assert.equal(await count(lawyer.page, '[data-testid=session-pane]', 'LAWYER', LAWYER_TEXT), 1, 'console: the lawyer\'s message once');
    await stack.screenshot(caller.page, 'chat-2-connected');
    await stack.screenshot(lawyer.page, 'console-2-chat');

    // ---- the lawyer ends and files the work order (工单) ----
    await pane.locator('[data-testid=session-end]').click();
    await waitVisible(lawyer.page, '[data-testid=wrapup-form]', 'the work order form after 结束');
    await waitVisible(caller.page, '#rating-panel', 'the caller to be asked for a rating after the lawyer ended');
    await pane.locator('[data-testid=wrapup-type]').selectOption({ label: '咨询' });
    await pane.locator('[data-testid=wrapup-category]').selectOption({ label: '婚姻家庭' });
    await pane.locator('[data-testid=wrapup-outcome]').selectOption({ label: '已解答' });
    await pane.locator('[data-testid=wrapup-note]').fill('婚后共同财产分割，已告知《民法典》第一千零八十七条。');
    await stack.screenshot(lawyer.page, 'console-3-wrapup');
    await pane.locator('[data-testid=wrapup-submit]').click();
    await waitFor('the session pane to leave the console after the work order',
      async () => (await lawyer.page.locator('[data-testid=session-pane]').count()) === 0, {
        detail: async () => `pane error: ${JSON.stringify(await lawyer.page.locator('[data-testid=session-error]').allTextContents())}`,
      });

    // ---- the caller rates 满意 ----
    await stack.screenshot(caller.page, 'chat-3-rating');
    await caller.page.click('[data-testid=rate-SATISFIED]');
    await waitVisible(caller.page, '#thanks-panel', 'the thank-you after rating');
    await waitForText(caller.page, '#thanks-panel', '满意', 'the thank-you to name the rating');
    await stack.screenshot(caller.page, 'chat-4-thanks');

    // ---- the report ----
    const sup = await loginHttp(base, SUPERVISOR.username, SUPERVISOR.password);
    assert.equal(sup.role, 'SUPERVISOR');
    const report = await pollSummary(base, sup.token,
      (r) => r.total && int64(r.total.offered) === 1 && int64(r.total.answered) === 1 && r.total.satisfaction !== undefined,
      'the summary to count the session as offered, answered and rated');
    const total = report.total;
    assert.equal(typeof total.offered, 'string', 'int64 offered arrives as a JSON string');
    assert.equal(int64(total.offered), 1, 'offered');
    assert.equal(int64(total.answered), 1, 'answered');
    assert.equal(int64(total.abandoned), 0, 'abandoned');
    assert.equal(total.answerRate, 1, 'answer rate');
    assert.equal(total.satisfaction, 1, 'satisfaction');
    assert.equal(int64(total.rated), 1, 'rated');
    assert.equal(int64(total.satisfied), 1, 'satisfied');

    const byCategory = await getSummary(base, sup.token, { groupBy: 'category' });
    const row = (byCategory.rows || []).find((r) => r.key === 'consult.marriage');
    assert.ok(row, `a consult.marriage row in the category report: ${JSON.stringify(byCategory.rows)}`);
    assert.equal(int64(row.offered), 1, 'category row offered');
    assert.equal(int64(row.answered), 1, 'category row answered');

    // ---- the dashboard ----
    const manager = await stack.newPage(browser, 'dashboard');
    await manager.page.goto(`${base}/dashboard.html`);
    await manager.page.fill('#username', SUPERVISOR.username);
    await manager.page.fill('#password', SUPERVISOR.password);
    await manager.page.click('#login-btn');
    await waitVisible(manager.page, '#dashboard-section', 'the dashboard to open after login');
    await waitForText(manager.page, '#kpi-offered', '1', 'the dashboard to show 呼入量 1');
    await waitForText(manager.page, '#kpi-answered', '1', 'the dashboard to show 接通量 1');
    await waitForText(manager.page, '#kpi-abandoned', '0', 'the dashboard to show 放弃量 0');
    await waitForText(manager.page, '#kpi-answer-rate', '100.0%', 'the dashboard to show 接通率 100.0%');
    await waitForText(manager.page, '#kpi-satisfaction', '100.0%', 'the dashboard to show 满意率 100.0%');
    await waitForText(manager.page, '#category-rows tr[data-key="consult.marriage"]', '婚姻家庭',
      'the category table to show 婚姻家庭');
    await stack.screenshot(manager.page, 'dashboard-1');

    const [download] = await Promise.all([
      manager.page.waitForEvent('download', { timeout: 10000 }),
      manager.page.click('#csv-download'),
    ]);
    const csvFile = stack.file('summary.csv');
    await download.saveAs(csvFile);
    const csv = fs.readFileSync(csvFile, 'utf8');
    assert.ok(csv.trim().split('\n').length >= 2, `the CSV has a header and at least one row: ${JSON.stringify(csv.slice(0, 300))}`);
    assert.match(csv, /consult\.marriage|婚姻家庭/, 'the CSV names the category');

    // The dashboard refreshes by itself: wait past one 5 s period and check it still holds.
    const before = await manager.page.textContent('#updated-at');
    await waitFor('the dashboard to refresh within 5 s',
      async () => (await manager.page.textContent('#updated-at')) !== before, { timeoutMs: 8000 });
    await waitForText(manager.page, '#kpi-satisfaction', '100.0%', 'the refreshed dashboard still shows 100.0%');

    for (const p of [caller, lawyer, manager]) {
      assert.deepEqual(p.errors, [], 'no uncaught page errors');
    }
  });
});
