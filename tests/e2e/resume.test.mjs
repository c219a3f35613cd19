// A caller who reloads the chat page keeps their place in line and their transcript
// (resume with the session token), and a stale saved session falls back to a fresh start.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { int64, loginHttp, pollSummary, startStack, waitFor, waitForText, waitHidden, waitVisible } from './harness.mjs';

const LAWYER = {
  username: 'lawyer.liu', password: 'Liu-Pass-2024', role: 'LAWYER', name: '刘律师',
  categories: ['consult.marriage'], languages: ['zh'],
};
const SUPERVISOR = { username: 'super.zhao', password: 'Zhao-Pass-2024', role: 'SUPERVISOR', name: '赵主管' };
const STORE_KEY = 'hotline.caller.session';

let stack;
let browser;

before(async () => {
  stack = await startStack({
    name: 'resume',
    accounts: [LAWYER, SUPERVISOR],
    // a grace period long enough for a reload
    config: { routing: { reconnect_grace_seconds: 20, ring_timeout_seconds: 30 } },
  });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

async function saved(page) {
  return JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k) || 'null', STORE_KEY));
}

test('a reload resumes the place in line and the transcript without duplicates', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    const caller = await stack.newPage(browser, 'caller');
    await caller.page.goto(`${base}/chat.html`);
    await waitFor('the category list to load', async () => (await caller.page.locator('#category option').count()) > 1);
    await caller.page.selectOption('#category', { label: '婚姻家庭' });
    await caller.page.selectOption('#language', { label: '普通话' });
    await caller.page.selectOption('#priority', { label: '老年人' });
    await caller.page.click('#start-btn');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'place 1 in line');
    const first = await saved(caller.page);
    assert.ok(first && first.sessionId && first.token, `sessionStorage keeps sessionId and token: ${JSON.stringify(first)}`);

    // reload while waiting
    await caller.page.reload();
    await waitVisible(caller.page, '#queue-panel', 'the queue panel again after a reload (resume)');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'place 1 in line again after the reload');
    assert.equal((await saved(caller.page)).sessionId, first.sessionId, 'the same session after the reload');

    // the lawyer accepts
    const lawyer = await stack.newPage(browser, 'lawyer');
    await lawyer.page.goto(`${base}/console.html`);
    await lawyer.page.fill('#username', LAWYER.username);
    await lawyer.page.fill('#password', LAWYER.password);
    await lawyer.page.click('#login-btn');
    await waitFor('the status buttons to be enabled', () => lawyer.page.isEnabled('#status-available'));
    await lawyer.page.click('#status-available');
    await waitVisible(lawyer.page, '#offer-panel', 'the offer', 15000);
    await waitForText(lawyer.page, '#offer-priority', '老年人', 'the offer to show the priority group');
    await lawyer.page.click('#offer-accept');
    await waitForText(caller.page, '#lawyer-name', LAWYER.name, 'the caller to be connected');
    const pane = lawyer.page.locator('[data-testid=session-pane]').first();

    await waitFor('the caller\'s message box to be enabled', () => caller.page.isEnabled('#chat-input'));
    await caller.page.fill('#chat-input', '第一条：我父亲去世后房产怎么继承？');
    await caller.page.press('#chat-input', 'Enter');
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-messages]', '第一条', 'the first message at the lawyer');
    await pane.locator('[data-testid=session-input]').fill('请问有没有遗嘱？');
    await pane.locator('[data-testid=session-send]').click();
    await waitForText(caller.page, '#messages', '请问有没有遗嘱', 'the reply at the caller');

    // reload while connected: the transcript comes back, each message once
    await caller.page.reload();
    await waitForText(caller.page, '#lawyer-name', LAWYER.name, 'connected again after the reload');
    await waitForText(caller.page, '#messages', '请问有没有遗嘱', 'the transcript after the reload');
    const ids = await caller.page.locator('#messages li').evaluateAll((lis) => lis.map((li) => li.dataset.messageId));
    assert.equal(new Set(ids).size, ids.length, `no duplicate messages after the reload: ${ids}`);
    assert.equal(await caller.page.locator('#messages li[data-from=CALLER]').filter({ hasText: '第一条' }).count(), 1);
    assert.equal(await caller.page.locator('#messages li[data-from=LAWYER]').filter({ hasText: '请问有没有遗嘱' }).count(), 1);

    // and the chat goes on
    await waitFor('the message box to be enabled after the reload', () => caller.page.isEnabled('#chat-input'));
    await caller.page.fill('#chat-input', '第二条：没有遗嘱。');
    await caller.page.click('#send-btn');
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-messages]', '第二条',
      'the message sent after the reload at the lawyer');
    assert.equal(await pane.locator('li[data-from=CALLER]').filter({ hasText: '第一条' }).count(), 1,
      'the console shows the first message once');

    // the caller ends; the lawyer files the work order; the caller rates 基本满意
    await caller.page.click('#end-btn');
    await waitVisible(caller.page, '#rating-panel', 'the rating buttons after the caller ended');
    await waitVisible(lawyer.page, '[data-testid=wrapup-form]', 'the work order form after the caller ended');
    await pane.locator('[data-testid=wrapup-type]').selectOption({ label: '咨询' });
    await pane.locator('[data-testid=wrapup-outcome]').selectOption({ label: '转法律援助' });
    await pane.locator('[data-testid=wrapup-submit]').click();
    await waitFor('the pane to leave after the work order',
      async () => (await lawyer.page.locator('[data-testid=session-pane]').count()) === 0);
    await caller.page.click('[data-testid=rate-BASIC_SATISFIED]');
    await waitForText(caller.page, '#thanks-panel', '基本满意', 'the thank-you naming 基本满意');
    assert.equal(await saved(caller.page), null, 'the finished session is cleared from sessionStorage');

    // after the rating a reload starts afresh
    await caller.page.reload();
    await waitVisible(caller.page, '#start-panel', 'the start form after reloading a finished session');

    const sup = await loginHttp(base, SUPERVISOR.username, SUPERVISOR.password);
    const report = await pollSummary(base, sup.token,
      (r) => int64(r.total.answered) === 1 && r.total.satisfaction !== undefined,
      'the report to count the answered and rated session');
    assert.equal(int64(report.total.offered), 1, 'one session, however often the caller reloaded');
    assert.equal(int64(report.total.abandoned), 0, 'a reload is not an abandon');
    assert.equal(int64(report.total.basicSatisfied), 1, 'basic satisfied');
    assert.equal(report.total.satisfaction, 1, '基本满意 counts as satisfied');

    for (const p of [caller, lawyer]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});

test('a saved session the server refuses is forgotten and the form is shown', async (t) => {
  await stack.run(t, async () => {
    const caller = await stack.newPage(browser, 'stale');
    await caller.page.goto(`${stack.baseUrl}/chat.html`);
    await caller.page.evaluate((k) => sessionStorage.setItem(k, JSON.stringify({
      sessionId: 'no-such-session', token: 'bogus-token', lastMessageId: '',
    })), STORE_KEY);
    await caller.page.reload();
    await waitVisible(caller.page, '#start-panel', 'the start form after the server refused the resume');
    await waitVisible(caller.page, '#error', 'the server\'s error message');
    await waitHidden(caller.page, '#queue-panel', 'no queue panel');
    assert.equal(await saved(caller.page), null, 'the refused session is cleared from sessionStorage');
    assert.deepEqual(caller.errors, [], 'no uncaught page errors');
  });
});
