// The lawyer's 拒绝 button and the ring timeout: a declined or missed offer leaves the caller
// waiting in line, and after max_missed_offers misses in a row the lawyer is set AWAY.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, waitForText, waitVisible } from './harness.mjs';

const RING_SECONDS = 3;
const MAX_MISSES = 2;
const LAWYER = {
  username: 'lawyer.he', password: 'He-Pass-2024', role: 'LAWYER', name: '何律师',
  categories: ['consult.marriage'], languages: ['zh'],
};

let stack;
let browser;

before(async () => {
  stack = await startStack({
    name: 'decline',
    accounts: [LAWYER],
    config: {
      routing: {
        ring_timeout_seconds: RING_SECONDS,
        decline_exclusion_seconds: RING_SECONDS,
        max_missed_offers: MAX_MISSES,
        reconnect_grace_seconds: 30,
      },
    },
  });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

test('a declined offer and offers left ringing keep the caller in line; misses set the lawyer AWAY', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    const caller = await stack.newPage(browser, 'caller');
    await caller.page.goto(`${base}/chat.html`);
    await waitFor('the category list to load', async () => (await caller.page.locator('#category option').count()) > 1);
    await caller.page.selectOption('#category', { label: '婚姻家庭' });
    await caller.page.selectOption('#language', { label: '普通话' });
    await caller.page.click('#start-btn');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'place 1 in line');

    const lawyer = await stack.newPage(browser, 'lawyer');
    await lawyer.page.goto(`${base}/console.html`);
    await lawyer.page.fill('#username', LAWYER.username);
    await lawyer.page.fill('#password', LAWYER.password);
    await lawyer.page.click('#login-btn');
    await waitFor('the status buttons to be enabled', () => lawyer.page.isEnabled('#status-available'));
    await lawyer.page.click('#status-available');
    await waitVisible(lawyer.page, '#offer-panel', 'the first offer', 15000);
    const firstOffer = await lawyer.page.getAttribute('#offer-panel', 'data-offer-id');
    assert.ok(firstOffer, 'the offer panel names its offer');

    await lawyer.page.click('#offer-decline');
    await waitFor('the declined offer to leave the console', async () => {
      const visible = await lawyer.page.isVisible('#offer-panel');
      const id = await lawyer.page.getAttribute('#offer-panel', 'data-offer-id');
      return !visible || (id && id !== firstOffer);
    });
    assert.ok(await caller.page.isVisible('#queue-panel'), 'the caller still waits after a decline');
    assert.equal(await lawyer.page.locator('[data-testid=session-pane]').count(), 0, 'no session after a decline');

    // Leave the offers ringing: after MAX_MISSES of them the lawyer is AWAY.
    await waitForText(lawyer.page, '#agent-status', '离开',
      `the lawyer to be set AWAY (离开) after ${MAX_MISSES} offers rang out`, (MAX_MISSES + 2) * (RING_SECONDS + 2) * 1000);
    await waitFor('the offer panel to clear once AWAY', async () => !(await lawyer.page.isVisible('#offer-panel')), { timeoutMs: 5000 });
    await stack.screenshot(lawyer.page, 'console-away');
    const misses = Number(await lawyer.page.textContent('#agent-misses'));
    t.diagnostic(`consecutive misses shown: ${misses}`);
    assert.ok(misses >= MAX_MISSES || misses === 0, `misses shown ${misses}`);

    // The caller is still in line, place 1, not connected.
    await waitVisible(caller.page, '#queue-panel', 'the caller to be back in line');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'place 1 in line after the misses');
    await waitForText(caller.page, '#queue-status', '正在排队', 'the caller shown as queued, not being connected');
    for (const p of [caller, lawyer]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});
