// A caller who leaves the page while waiting is counted abandoned once the reconnect grace
// period is over.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { int64, loginHttp, pollSummary, sleep, startStack, waitFor, waitForText, waitVisible } from './harness.mjs';

const GRACE_SECONDS = 3;
// Stay in line past the short-abandon threshold (5 s by default) so that the session is an
// ordinary abandon whichever way the server books the short ones.
const STAY_MS = 6500;

// A lawyer exists for the skill but never logs in, so nobody is available.
const LAWYER = {
  username: 'lawyer.wang', password: 'Wang-Pass-2024', role: 'LAWYER', name: '王律师',
  categories: ['consult.marriage'], languages: ['zh'],
};
const SUPERVISOR = { username: 'super.chen', password: 'Chen-Pass-2024', role: 'SUPERVISOR', name: '陈主管' };

let stack;
let browser;

before(async () => {
  stack = await startStack({
    name: 'abandon',
    accounts: [LAWYER, SUPERVISOR],
    config: { routing: { reconnect_grace_seconds: GRACE_SECONDS } },
  });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

test('a caller who closes the page while waiting is booked abandoned after the grace period', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    const caller = await stack.newPage(browser, 'caller');
    await caller.page.goto(`${base}/chat.html`);
    await waitFor('the category list to load', async () => (await caller.page.locator('#category option').count()) > 1);
    await caller.page.selectOption('#category', { label: '婚姻家庭' });
    await caller.page.selectOption('#language', { label: '普通话' });
    const startedAt = Date.now();
    await caller.page.click('#start-btn');
    await waitVisible(caller.page, '#queue-panel', 'the queue panel');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'the caller to see place 1 in line');
    await stack.screenshot(caller.page, 'abandon-waiting');
    assert.deepEqual(caller.errors, [], 'no uncaught page errors');

    const sup = await loginHttp(base, SUPERVISOR.username, SUPERVISOR.password);
    const waiting = await pollSummary(base, sup.token, (r) => int64(r.total && r.total.offered) === 1,
      'the summary to count the waiting session as offered');
    assert.equal(int64(waiting.total.abandoned), 0, 'not abandoned while the caller is still on the page');

    await sleep(Math.max(0, STAY_MS - (Date.now() - startedAt)));
    const closedAt = Date.now();
    await caller.context.close();

    const report = await pollSummary(base, sup.token,
      (r) => int64(r.total && r.total.abandoned) === 1,
      `the session to be booked abandoned after the ${GRACE_SECONDS} s grace period`,
      { timeoutMs: (GRACE_SECONDS + 30) * 1000 });
    const elapsed = (Date.now() - closedAt) / 1000;
    t.diagnostic(`abandoned was booked ${elapsed.toFixed(1)} s after the page closed`);
    assert.ok(elapsed >= GRACE_SECONDS - 0.5,
      `abandoned after ${elapsed.toFixed(1)} s, sooner than the ${GRACE_SECONDS} s grace period`);
    assert.equal(int64(report.total.offered), 1, 'offered');
    assert.equal(int64(report.total.abandoned), 1, 'abandoned');
    assert.equal(int64(report.total.answered), 0, 'answered');
    assert.equal(report.total.answerRate, 0, 'answer rate 0 of 1');
    assert.equal(report.total.satisfaction, undefined, 'no satisfaction without ratings');
  });
});
