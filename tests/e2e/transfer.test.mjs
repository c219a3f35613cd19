// A lawyer transfers a connected chat: to another skill (the session waits again, a lawyer with
// that skill takes it and sees the earlier transcript) or out to another hotline (the caller is
// told which number to call and the lawyer files the work order).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  http, openConsole, setConsoleAvailable, startCallerChat, startStack, waitFor, waitForText, waitHidden, waitVisible,
} from './harness.mjs';

const LAWYER1 = {
  username: 'lawyer.zhou', password: 'Zhou-Pass-2024', role: 'LAWYER', name: '周律师',
  categories: ['consult.marriage'], languages: ['zh'], backupCategories: ['consult.traffic'],
};
const LAWYER2 = {
  username: 'lawyer.wu', password: 'Wu-Pass-2024', role: 'LAWYER', name: '吴律师',
  categories: ['consult.labour'], languages: ['zh'],
};

const C1 = '我离婚后前夫的公司一直拖欠我工资，这个怎么办？';
const L1 = '这属于劳动争议，我为您转接劳动争议方向的律师。';
const L2 = '您好，我是劳动争议值班律师，请问拖欠了多久？';
const HOTLINE = '12345';

let stack;
let browser;
let lawyer1;
let lawyer2;

before(async () => {
  stack = await startStack({
    name: 'transfer',
    accounts: [LAWYER1, LAWYER2],
    // No backup or general-pool offers during the test: only lawyer 2 has 劳动争议与工资.
    config: {
      routing: {
        ring_timeout_seconds: 30, reconnect_grace_seconds: 20, backup_after_seconds: 3600, general_after_seconds: 3600,
      },
    },
  });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

const paneSel = '[data-testid=session-pane]';

test('a chat transferred to a skill only another lawyer has: re-queued, offered to that lawyer, transcript kept', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    lawyer1 = await openConsole(stack, browser, base, LAWYER1, 'lawyer1');
    await waitForText(lawyer1.page, '#agent-backup-skills', '交通事故', 'lawyer 1\'s backup skill (consult.traffic) on the console');
    // lawyer 2 logs in but stays off duty, so that the caller is seen waiting after the transfer
    lawyer2 = await openConsole(stack, browser, base, LAWYER2, 'lawyer2', { available: false });

    const caller = await startCallerChat(stack, browser, base, 'caller');
    await waitVisible(lawyer1.page, '#offer-panel', 'lawyer 1 gets the 婚姻家庭 offer', 15000);
    await lawyer1.page.click('#offer-accept');
    await waitForText(caller.page, '#lawyer-name', LAWYER1.name, 'the caller connected to lawyer 1');
    const pane1 = lawyer1.page.locator(paneSel).first();
    await waitFor('the caller\'s message box', () => caller.page.isEnabled('#chat-input'));
    await caller.page.fill('#chat-input', C1);
    await caller.page.click('#send-btn');
    await waitForText(lawyer1.page, `${paneSel} [data-testid=session-messages]`, C1, 'lawyer 1 gets the question');
    await pane1.locator('[data-testid=session-input]').fill(L1);
    await pane1.locator('[data-testid=session-send]').click();
    await waitForText(caller.page, '#messages', L1, 'the caller gets lawyer 1\'s answer');

    // ---- lawyer 1 transfers to 劳动争议与工资 ----
    await pane1.locator('[data-testid=session-transfer]').click();
    await waitVisible(lawyer1.page, '[data-testid=transfer-form]', 'the transfer form');
    assert.equal(await pane1.locator('[data-testid=transfer-mode]').inputValue(), 'skill', 'a skill transfer by default');
    assert.equal(await pane1.locator('[data-testid=transfer-language]').inputValue(), 'zh', 'the language defaults to the session\'s');
    await pane1.locator('[data-testid=transfer-category]').selectOption({ label: '劳动争议与工资' });
    await stack.screenshot(lawyer1.page, 'console1-1-transfer-form');
    await pane1.locator('[data-testid=transfer-submit]').click();
    await waitFor('the transferred session to leave lawyer 1\'s console',
      async () => (await lawyer1.page.locator(paneSel).count()) === 0, {
        detail: async () => `pane error: ${JSON.stringify(await lawyer1.page.locator('[data-testid=session-error]').allTextContents())}`,
      });

    // the caller waits again, told where they were transferred, with the transcript kept
    await waitVisible(caller.page, '#queue-panel', 'the caller back in line after the transfer');
    await waitForText(caller.page, '#queue-status', '已为您转接至劳动争议与工资，请稍候', 'the caller told about the transfer');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'the caller\'s place in the new line');
    assert.ok(await caller.page.isVisible('#messages'), 'the transcript stays on the page while waiting again');
    await stack.screenshot(caller.page, 'chat-1-transferred');

    // ---- lawyer 2 goes on duty and takes it ----
    await setConsoleAvailable(lawyer2, 'lawyer2');
    await waitVisible(lawyer2.page, '#offer-panel', 'lawyer 2 gets the transferred session', 15000);
    await waitForText(lawyer2.page, '#offer-category', '劳动争议与工资', 'offered in the new category');
    await lawyer2.page.click('#offer-accept');
    await waitForText(caller.page, '#lawyer-name', LAWYER2.name, 'the caller connected to lawyer 2');
    const pane2 = lawyer2.page.locator(paneSel).first();
    await waitForText(lawyer2.page, `${paneSel} [data-testid=session-title]`, '劳动争议与工资', 'lawyer 2\'s pane in the new category');
    await waitForText(lawyer2.page, `${paneSel} [data-testid=session-messages]`, C1, 'lawyer 2 sees the caller\'s earlier line');
    await waitForText(lawyer2.page, `${paneSel} [data-testid=session-messages]`, L1, 'lawyer 2 sees lawyer 1\'s earlier line');
    assert.equal(await pane2.locator('li[data-from=CALLER]').filter({ hasText: C1 }).count(), 1, 'the earlier caller line once');
    assert.equal(await pane2.locator('li[data-from=LAWYER]').filter({ hasText: L1 }).count(), 1, 'the earlier lawyer line once');
    await stack.screenshot(lawyer2.page, 'console2-1-transferred-in');

    await pane2.locator('[data-testid=session-input]').fill(L2);
    await pane2.locator('[data-testid=session-send]').click();
    await waitForText(caller.page, '#messages', L2, 'the caller gets lawyer 2\'s line');
    for (const text of [C1, L1, L2]) {
      assert.equal(await caller.page.locator('#messages li').filter({ hasText: text }).count(), 1, `caller page: ${text} once`);
    }
    await waitForText(caller.page, '#messages', LAWYER1.name, 'lawyer 1\'s line still signed with lawyer 1\'s name');

    await pane2.locator('[data-testid=session-end]').click();
    await waitVisible(lawyer2.page, '[data-testid=wrapup-form]', 'lawyer 2\'s work order form');
    await pane2.locator('[data-testid=wrapup-outcome]').selectOption({ label: '已解答' });
    await pane2.locator('[data-testid=wrapup-submit]').click();
    await waitFor('lawyer 2\'s pane to leave', async () => (await lawyer2.page.locator(paneSel).count()) === 0);
    await waitVisible(caller.page, '#rating-panel', 'the caller asked to rate');
    t.diagnostic(`sessions today: lawyer1 ${await lawyer1.page.textContent('#agent-today')}, lawyer2 ${await lawyer2.page.textContent('#agent-today')}`);
    for (const p of [caller, lawyer1, lawyer2]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});

test('a chat transferred out to 12345: the caller is told to call it, the lawyer files the work order', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    const catalog = await http(base, '/api/v1/catalog');
    const dests = (catalog.json && catalog.json.transferDestinations) || [];
    const dest = dests.find((d) => d.code === HOTLINE);
    assert.ok(dest, `the catalog lists ${HOTLINE} among transferDestinations: ${catalog.text}`);
    assert.ok(dest.name, `${HOTLINE} has a name`);

    assert.ok(lawyer1, 'lawyer 1 is logged in from the first test');
    const caller = await startCallerChat(stack, browser, base, 'caller2');
    await waitVisible(lawyer1.page, '#offer-panel', 'lawyer 1 gets the offer', 15000);
    await lawyer1.page.click('#offer-accept');
    await waitForText(caller.page, '#lawyer-name', LAWYER1.name, 'the caller connected');
    await waitFor('the caller\'s message box', () => caller.page.isEnabled('#chat-input'));
    await caller.page.fill('#chat-input', '小区物业乱收停车费，能管吗？');
    await caller.page.click('#send-btn');
    const pane = lawyer1.page.locator(paneSel).first();
    await waitForText(lawyer1.page, `${paneSel} [data-testid=session-messages]`, '停车费', 'the question at lawyer 1');

    await pane.locator('[data-testid=session-transfer]').click();
    await pane.locator('[data-testid=transfer-mode]').selectOption('hotline');
    await waitVisible(lawyer1.page, '[data-testid=transfer-hotline-fields]', 'the hotline list');

    // a hotline that is not configured: the server refuses it, the chat goes on
    await pane.locator('[data-testid=transfer-destination]').evaluate((sel) => {
      sel.append(new Option('99999', '99999'));
      sel.value = '99999';
    });
    await pane.locator('[data-testid=transfer-submit]').click();
    await waitForText(lawyer1.page, `${paneSel} [data-testid=session-error]`, '没有这个转接热线',
      'UNKNOWN_DESTINATION shown on the pane');
    await waitForText(lawyer1.page, `${paneSel} [data-testid=session-state]`, '已接通', 'still connected after the refusal');
    assert.ok(await caller.page.isEnabled('#chat-input'), 'the caller can still type');

    await pane.locator('[data-testid=transfer-destination]').selectOption(HOTLINE);
    await pane.locator('[data-testid=transfer-submit]').click();
    await waitVisible(lawyer1.page, `${paneSel} [data-testid=wrapup-form]`, 'the work order form after the transfer out');
    // the talk is over (WRAP_UP, transferredTo set): the caller is told where to call and may rate
    await waitForText(caller.page, '#transfer-advice', `律师建议您拨打 ${HOTLINE}（${dest.name}）`, 'the advice to call 12345');
    await waitHidden(caller.page, '#compose', 'no more typing after the transfer out');
    await waitVisible(caller.page, '#rating-panel', 'the caller may rate the talk');
    assert.ok(await caller.page.isVisible('#messages'), 'the transcript stays readable');
    await stack.screenshot(caller.page, 'chat2-transferred-out');

    await pane.locator('[data-testid=wrapup-outcome]').selectOption({ label: '引导至其他机构' });
    await pane.locator('[data-testid=wrapup-submit]').click();
    await waitFor('the pane to leave after the work order', async () => (await lawyer1.page.locator(paneSel).count()) === 0);
    // the work order closes it as TRANSFERRED
    await waitFor('the caller\'s session to end as TRANSFERRED', async () => (await caller.page.getAttribute('#session-state', 'data-state')) === 'TRANSFERRED', {
      detail: async () => `state shown: ${await caller.page.getAttribute('#session-state', 'data-state')}`,
    });
    await waitForText(caller.page, '#transfer-advice', `律师建议您拨打 ${HOTLINE}`, 'the advice stays after the work order');
    await caller.page.click('[data-testid=rate-SATISFIED]');
    await waitForText(caller.page, '#thanks-panel', HOTLINE, 'the thank-you repeats the hotline to call');
    for (const p of [caller, lawyer1]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});
