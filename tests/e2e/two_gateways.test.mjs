// Two `hotline serve` processes on one redis: the caller on gateway A, the lawyer's console on
// gateway B. The offer, the chat and the session's states cross between them, and the caller's
// page moves to gateway B mid-chat (as behind a load balancer) and resumes with its token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALLER_STORE_KEY, callerSaved, http, int64, loginHttp, openConsole, pollSummary, startCallerChat, startStack,
  waitFor, waitForText, waitVisible,
} from './harness.mjs';

const LAWYER = {
  username: 'lawyer.gao', password: 'Gao-Pass-2024', role: 'LAWYER', name: '高律师',
  categories: ['consult.labour'], languages: ['zh'],
};
const SUPERVISOR = { username: 'super.ma', password: 'Ma-Pass-2024', role: 'SUPERVISOR', name: '马主管' };

const C1 = '甲一：公司拖欠我两个月工资，已经离职了。';
const L1 = '乙一：有没有劳动合同或者工资条？';
const C2 = '甲二：有劳动合同，工资是银行转账的。';
const L2 = '乙二：可以向劳动监察大队投诉，或申请劳动仲裁。';

let stack;
let browser;
let gwB;

before(async () => {
  stack = await startStack({
    name: 'two-gateways',
    accounts: [LAWYER, SUPERVISOR],
    // a grace period long enough to move the page to the other gateway
    config: { routing: { ring_timeout_seconds: 30, reconnect_grace_seconds: 30 } },
  });
  gwB = await stack.addGateway('b');
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

test('caller on gateway A, lawyer on gateway B; the caller moves to B and resumes', async (t) => {
  await stack.run(t, async () => {
    const A = stack.baseUrl;
    const B = gwB.baseUrl;
    assert.notEqual(A, B, 'two gateways, two addresses');
    t.diagnostic(`gateway A ${A}, gateway B ${B}`);
    for (const base of [A, B]) {
      const r = await http(base, '/api/v1/catalog');
      assert.equal(r.status, 200, `${base} serves the catalog`);
    }

    // ---- the caller queues on A, the lawyer takes the offer on B ----
    const caller = await startCallerChat(stack, browser, A, 'caller', { category: '劳动争议与工资' });
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'place 1 in line on gateway A');
    const lawyer = await openConsole(stack, browser, B, LAWYER, 'lawyer');
    await waitVisible(lawyer.page, '#offer-panel', 'the offer on gateway B for the caller on gateway A', 15000);
    await waitForText(lawyer.page, '#offer-category', '劳动争议与工资', 'the offer\'s category');
    await lawyer.page.click('#offer-accept');
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-state]', '已接通', 'the pane on B connected');
    await waitForText(caller.page, '#lawyer-name', LAWYER.name, 'the caller on A sees the lawyer who accepted on B');
    const pane = lawyer.page.locator('[data-testid=session-pane]').first();

    // ---- a message each way, across the gateways ----
    await waitFor('the caller\'s message box', () => caller.page.isEnabled('#chat-input'));
    await caller.page.fill('#chat-input', C1);
    await caller.page.click('#send-btn');
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-messages]', C1, 'A → B: the caller\'s line');
    await pane.locator('[data-testid=session-input]').fill(L1);
    await pane.locator('[data-testid=session-send]').click();
    await waitForText(caller.page, '#messages', L1, 'B → A: the lawyer\'s line');
    await stack.screenshot(caller.page, 'chat-1-on-A');

    // ---- the caller's page moves to gateway B ----
    // sessionStorage belongs to an origin, so carry the session over by hand, without the
    // page's copy of the transcript: gateway B must replay the whole of it from redis.
    const saved = await callerSaved(caller.page);
    assert.ok(saved && saved.sessionId && saved.token, `the caller's saved session on A: ${JSON.stringify(saved)}`);
    await caller.page.goto(`${B}/chat.html`);
    await caller.page.evaluate(([k, v]) => sessionStorage.setItem(k, JSON.stringify(v)),
      [CALLER_STORE_KEY, { sessionId: saved.sessionId, token: saved.token, lastMessageId: '' }]);
    await caller.page.reload();
    await waitForText(caller.page, '#lawyer-name', LAWYER.name, 'connected again on gateway B (resume with the token)');
    await waitForText(caller.page, '#messages', L1, 'the transcript replayed by gateway B');
    const lines = async () => caller.page.locator('#messages li').evaluateAll(
      (lis) => lis.map((li) => ({ id: li.dataset.messageId, from: li.dataset.from, text: li.querySelector('.msg-text').textContent })));
    let got = await lines();
    const ids = got.map((x) => x.id);
    assert.equal(new Set(ids).size, ids.length, `no duplicate lines after the resume on B: ${JSON.stringify(got)}`);
    assert.equal(got.filter((x) => x.from === 'CALLER' && x.text === C1).length, 1, 'the caller\'s line once');
    assert.equal(got.filter((x) => x.from === 'LAWYER' && x.text === L1).length, 1, 'the lawyer\'s line once');
    assert.equal((await callerSaved(caller.page)).sessionId, saved.sessionId, 'the same session on B');

    // and a plain reload on B (the page's own saved transcript, resume after lastMessageId)
    await caller.page.reload();
    await waitForText(caller.page, '#lawyer-name', LAWYER.name, 'connected after a reload on B');
    await waitForText(caller.page, '#messages', L1, 'the transcript after the reload on B');
    got = await lines();
    assert.equal(new Set(got.map((x) => x.id)).size, got.length, `no duplicates after the reload on B: ${JSON.stringify(got)}`);
    assert.equal(got.length, 2, `exactly the two lines: ${JSON.stringify(got)}`);

    // ---- the chat goes on, now all on B ----
    await waitFor('the caller\'s message box on B', () => caller.page.isEnabled('#chat-input'));
    await caller.page.fill('#chat-input', C2);
    await caller.page.press('#chat-input', 'Enter');
    await waitForText(lawyer.page, '[data-testid=session-pane] [data-testid=session-messages]', C2, 'the line sent from B');
    await pane.locator('[data-testid=session-input]').fill(L2);
    await pane.locator('[data-testid=session-input]').press('Enter');
    await waitForText(caller.page, '#messages', L2, 'the reply at the caller on B');
    const count = (page, scope, from, text) => page.locator(`${scope} li[data-from=${from}]`).filter({ hasText: text }).count();
    // The lawyer's own line shows in the console when its gateway confirms it, which can be after
    // the caller's page got it: wait for each line, then check it is there once.
    for (const [from, text] of [['CALLER', C1], ['LAWYER', L1], ['CALLER', C2], ['LAWYER', L2]]) {
      const views = [[caller.page, '#messages', 'caller page'], [lawyer.page, '[data-testid=session-pane]', 'console']];
      for (const [page, scope, where] of views) {
        await waitFor(`${where}: ${text}`, async () => (await count(page, scope, from, text)) >= 1);
        assert.equal(await count(page, scope, from, text), 1, `${where}: ${text} once`);
      }
    }
    await stack.screenshot(caller.page, 'chat-2-on-B');

    // ---- the lawyer ends ----
    await pane.locator('[data-testid=session-end]').click();
    await waitVisible(lawyer.page, '[data-testid=wrapup-form]', 'the work order form');
    await waitVisible(caller.page, '#rating-panel', 'the caller on B asked to rate');
    await pane.locator('[data-testid=wrapup-outcome]').selectOption({ label: '已解答' });
    await pane.locator('[data-testid=wrapup-submit]').click();
    await waitFor('the pane to leave after the work order',
      async () => (await lawyer.page.locator('[data-testid=session-pane]').count()) === 0);
    await caller.page.click('[data-testid=rate-SATISFIED]');
    await waitForText(caller.page, '#thanks-panel', '满意', 'the thank-you');

    // Both gateways report the same single session.
    const sup = await loginHttp(B, SUPERVISOR.username, SUPERVISOR.password);
    for (const base of [A, B]) {
      const report = await pollSummary(base, sup.token,
        (r) => int64(r.total.answered) === 1 && r.total.satisfaction !== undefined, `the report on ${base}`);
      assert.equal(int64(report.total.offered), 1, `${base}: one session`);
      assert.equal(int64(report.total.abandoned), 0, `${base}: moving the page is not an abandon`);
    }
    for (const p of [caller, lawyer]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});
