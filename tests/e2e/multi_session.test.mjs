// A lawyer chats with two callers at once: one pane per session, each message in its own pane,
// and ending one session leaves the other going.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, waitForText, waitHidden, waitVisible } from './harness.mjs';

const LAWYER = {
  username: 'lawyer.lin', password: 'Lin-Pass-2024', role: 'LAWYER', name: '林律师',
  categories: ['consult.marriage', 'consult.labour'], languages: ['zh'], chatCapacity: 3,
};

let stack;
let browser;

before(async () => {
  stack = await startStack({ name: 'multi', accounts: [LAWYER], config: { routing: { ring_timeout_seconds: 30 } } });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

async function startCaller(label, category) {
  const c = await stack.newPage(browser, label);
  await c.page.goto(`${stack.baseUrl}/chat.html`);
  await waitFor(`${label}: the category list`, async () => (await c.page.locator('#category option').count()) > 1);
  await c.page.selectOption('#category', { label: category });
  await c.page.selectOption('#language', { label: '普通话' });
  await c.page.click('#start-btn');
  await waitVisible(c.page, '#queue-panel', `${label}: in line`);
  return c;
}

test('two chats at once, each in its own pane', async (t) => {
  await stack.run(t, async () => {
    const a = await startCaller('caller-a', '婚姻家庭');
    const b = await startCaller('caller-b', '劳动争议与工资');

    const lawyer = await stack.newPage(browser, 'lawyer');
    await lawyer.page.goto(`${stack.baseUrl}/console.html`);
    await lawyer.page.fill('#username', LAWYER.username);
    await lawyer.page.fill('#password', LAWYER.password);
    await lawyer.page.click('#login-btn');
    await waitFor('the status buttons to be enabled', () => lawyer.page.isEnabled('#status-available'));
    await lawyer.page.click('#status-available');

    // Take both offers, one after the other.
    for (let i = 1; i <= 2; i += 1) {
      await waitFor(`offer ${i} to show`, async () => (await lawyer.page.isVisible('#offer-panel'))
        && (await lawyer.page.isEnabled('#offer-accept')), { timeoutMs: 15000 });
      await lawyer.page.click('#offer-accept');
      await waitFor(`${i} session pane(s)`, async () => (await lawyer.page.locator('[data-testid=session-pane]').count()) === i,
        { timeoutMs: 10000 });
    }
    await waitForText(a.page, '#lawyer-name', LAWYER.name, 'caller A connected');
    await waitForText(b.page, '#lawyer-name', LAWYER.name, 'caller B connected');
    await waitForText(lawyer.page, '#agent-load', /^2\s*\/\s*3$/, 'the console to show 2 / 3 sessions');

    const paneOf = (category) => lawyer.page.locator('[data-testid=session-pane]').filter({
      has: lawyer.page.locator('[data-testid=session-title]', { hasText: category }),
    });
    const paneA = paneOf('婚姻家庭');
    const paneB = paneOf('劳动争议');
    assert.equal(await paneA.count(), 1, 'one 婚姻家庭 pane');
    assert.equal(await paneB.count(), 1, 'one 劳动争议 pane');

    await waitFor('caller A can type', () => a.page.isEnabled('#chat-input'));
    await a.page.fill('#chat-input', '甲：离婚后孩子抚养权归谁？');
    await a.page.click('#send-btn');
    await waitFor('caller B can type', () => b.page.isEnabled('#chat-input'));
    await b.page.fill('#chat-input', '乙：公司拖欠三个月工资怎么办？');
    await b.page.click('#send-btn');
    await waitFor('A\'s message in pane A', async () => (await paneA.locator('li', { hasText: '甲：' }).count()) === 1);
    await waitFor('B\'s message in pane B', async () => (await paneB.locator('li', { hasText: '乙：' }).count()) === 1);
    assert.equal(await paneA.locator('li', { hasText: '乙：' }).count(), 0, 'B\'s message is not in pane A');
    assert.equal(await paneB.locator('li', { hasText: '甲：' }).count(), 0, 'A\'s message is not in pane B');

    await paneB.locator('[data-testid=session-input]').fill('乙您好，可以先申请劳动仲裁。');
    await paneB.locator('[data-testid=session-send]').click();
    await waitForText(b.page, '#messages', '申请劳动仲裁', 'caller B gets the reply');
    assert.equal(await a.page.locator('#messages li', { hasText: '申请劳动仲裁' }).count(), 0, 'caller A does not');
    await stack.screenshot(lawyer.page, 'console-two-sessions');

    // End A; B goes on.
    await paneA.locator('[data-testid=session-end]').click();
    await waitVisible(a.page, '#rating-panel', 'caller A asked to rate');
    await waitFor('pane A shows the work order form', () => paneA.locator('[data-testid=wrapup-form]').isVisible());
    assert.ok(await paneB.locator('[data-testid=session-compose]').isVisible(), 'pane B still has its message box');
    await paneA.locator('[data-testid=wrapup-outcome]').selectOption({ label: '已解答' });
    await paneA.locator('[data-testid=wrapup-submit]').click();
    await waitFor('pane A to leave', async () => (await paneA.count()) === 0);
    assert.equal(await paneB.count(), 1, 'pane B stays');
    await waitHidden(b.page, '#rating-panel', 'caller B is not asked to rate');
    await waitForText(lawyer.page, '#agent-load', /^1\s*\/\s*3$/, 'the console to show 1 / 3 sessions');
    for (const p of [a, b, lawyer]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});
