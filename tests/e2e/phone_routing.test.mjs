// Phone routing through real Kamailio, rtpengine and sipp: lawyers who do not answer or are busy, the queue cap,
// a gateway restart with calls parked, FIFO under load, and calls and chats sharing the same lawyers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import {
  HOTLINE_BIN, Proc, openConsole, setConsoleAvailable, startCallerChat, waitFor, waitVisible, loginHttp, getSummary, http, sleep,
} from './harness.mjs';
import {
  RtpPhone, answeringLawyer, freePort, phoneRow, queueEvents as events, setSipPassword, sipp, startPhoneStack,
} from './phone_harness.mjs';

const supervisor = { username: 'super', password: 'super-password', role: 'SUPERVISOR', name: '值班主管' };
const lawyerAccount = (n) => ({ username: `lawyer${n}`, password: `lawyer${n}-password`, role: 'LAWYER',
  name: `律师${n}`, categories: ['consult.marriage'], languages: ['zh'], chatCapacity: 2 });

/// A lawyer's softphone that registers and handles one call with `scenario` (lawyer_noanswer.xml or
/// lawyer_busy.xml), and their console, signed in and available once the phone shows as registered.
async function failingLawyer(stack, browser, n, scenario) {
  const phone = sipp(stack, `sipp-lawyer${n}`, scenario, { wait_ms: 60000 },
    { port: await freePort('udp'), extra: ['-s', `lawyer${n}`, '-au', `lawyer${n}`, '-ap', `sip-secret-lawyer${n}`] });
  const console1 = await openConsole(stack, browser, stack.baseUrl, lawyerAccount(n), `lawyer${n}`, { available: false });
  await waitFor(`lawyer${n}: the console to show the phone registered`,
    async () => (await console1.page.getAttribute('#phone-status', 'data-registered')) === '1', { timeoutMs: 15000 });
  await setConsoleAvailable(console1, `lawyer${n}`);
  return phone;
}

const offersOf = (stack) => events(stack).filter((e) => ['offered', 'offer_timeout', 'declined', 'answered'].includes(e.type))
  .map((e) => `${e.type}:${e.agent}${e.reason ? `:${e.reason}` : ''}`);

test('a lawyer who does not answer, then one who is busy: the call waits again each time and goes to the next free lawyer',
  { timeout: 180000 }, async (t) => {
    const stack = await startPhoneStack('phone-lawyer-failure', {
      accounts: [lawyerAccount(1), lawyerAccount(2), lawyerAccount(3), supervisor],
      config: { phone: { survey_seconds: 1 },
        routing: { ring_timeout_seconds: 3, decline_exclusion_seconds: 120, wrap_up_seconds: 1 } },
    });
    await stack.run(t, async () => {
      for (const n of [1, 2, 3]) await setSipPassword(stack, `lawyer${n}`, `sip-secret-lawyer${n}`);
      const callerRtp = new RtpPhone(await freePort('udp'), 400);
      await callerRtp.open();
      let lawyer3;
      try {
        const browser = await stack.launchBrowser();
        const silent = await failingLawyer(stack, browser, 1, 'lawyer_noanswer.xml');
        const caller = sipp(stack, 'sipp-caller', 'caller_hangup.xml', { cat: 1, caller_rtp_port: callerRtp.port,
          talk_ms: 1000 }, { port: await freePort('udp') });

        await waitFor('lawyer1 to be rung and give up after the ring time', () => silent.exited, { timeoutMs: 30000 });
        assert.equal(silent.exitCode, 97, `lawyer1 was rung and cancelled: ${silent.describeExit()}`);
        await waitFor('the unanswered offer booked as a miss', () => offersOf(stack).includes('offer_timeout:lawyer1:no_answer'),
          { timeoutMs: 10000 });
        const heardBefore = callerRtp.samples().length;
        await sleep(2000);
        assert.ok(callerRtp.samples().length - heardBefore > 8000, 'the caller waits again, hearing the queue');

        const busy = await failingLawyer(stack, browser, 2, 'lawyer_busy.xml');
        await waitFor('lawyer2 to answer busy', () => busy.exited, { timeoutMs: 30000 });
        assert.equal(busy.exitCode, 97, `lawyer2 was rung and said busy: ${busy.describeExit()}`);
        await waitFor('the busy phone booked as a decline', () => offersOf(stack).includes('declined:lawyer2:busy'),
          { timeoutMs: 10000 });

        lawyer3 = answeringLawyer(stack, 3);
        await openConsole(stack, browser, stack.baseUrl, lawyerAccount(3), 'lawyer3');
        await waitFor('the call to reach lawyer3', () => lawyer3.calls === 1, { timeoutMs: 60000 });
        await waitFor('the caller to hang up', () => caller.exited, { timeoutMs: 30000 });
        assert.equal(caller.exitCode, 0, `caller: ${caller.describeExit()}`);
        assert.deepEqual(offersOf(stack), ['offered:lawyer1', 'offer_timeout:lawyer1:no_answer', 'offered:lawyer2',
          'declined:lawyer2:busy', 'offered:lawyer3', 'answered:lawyer3']);

        const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
        await waitFor('one call, answered once, in the report', async () => {
          const row = await phoneRow(stack, boss);
          return row && Number(row.offered) === 1 && Number(row.answered) === 1 && Number(row.abandoned) === 0;
        }, { timeoutMs: 20000 });
      } finally {
        if (lawyer3) await lawyer3.stop();
        callerRtp.close();
      }
    });
    await stack.stop();
  });

test('the queue cap: Kamailio answers 480 and the call is booked as abandoned by queue timeout', { timeout: 120000 },
  async (t) => {
    const stack = await startPhoneStack('phone-cap', {
      accounts: [supervisor],
      config: { phone: { queue_cap_seconds: 10, recheck_seconds: 3 }, routing: { max_wait_seconds: 600 } },
    });
    await stack.run(t, async () => {
      const callerRtp = new RtpPhone(await freePort('udp'), 400);
      await callerRtp.open();
      try {
        const caller = sipp(stack, 'sipp-caller', 'caller.xml', { cat: 1, caller_rtp_port: callerRtp.port },
          { port: await freePort('udp') });
        await waitFor('the call to be given up on', () => caller.exited, { timeoutMs: 40000 });
        assert.equal(caller.exitCode, 255, `the caller was rejected (480): ${caller.describeExit()}`);
        const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
        await waitFor('the report to count the timed-out call', async () => {
          const row = await phoneRow(stack, boss);
          return row && Number(row.abandoned) === 1 && Number(row.answered) === 0 && Number(row.waiting) === 0;
        }, { timeoutMs: 20000 });
        const abandoned = events(stack).filter((e) => e.type === 'abandoned');
        assert.equal(abandoned.length, 1);
        assert.equal(abandoned[0].reason, 'queue_timeout');
      } finally {
        callerRtp.close();
      }
    });
    await stack.stop();
  });

test('the gateway killed and restarted while calls are parked: the calls survive and connect', { timeout: 240000 },
  async (t) => {
    const stack = await startPhoneStack('phone-restart', {
      accounts: [lawyerAccount(1), supervisor],
      config: { phone: { survey_seconds: 1, recheck_seconds: 30 }, routing: { wrap_up_seconds: 1 } },
    });
    await stack.run(t, async () => {
      await setSipPassword(stack, 'lawyer1', 'sip-secret-lawyer1');
      const callers = [];
      try {
        for (let i = 0; i < 2; i++) {
          const rtp = new RtpPhone(await freePort('udp'), 400);
          await rtp.open();
          const proc = sipp(stack, `sipp-caller${i}`, 'caller.xml', { cat: 1, caller_rtp_port: rtp.port },
            { port: await freePort('udp') });
          callers.push({ rtp, proc });
          await sleep(500);
        }
        await waitFor('both callers parked and hearing music', () => callers.every((c) => c.rtp.samples().length > 2 * 8000),
          { timeoutMs: 20000 });
        const gateway = stack.procs.find((p) => p.name === 'hotline serve');
        const args = gateway.child.spawnargs.slice(1);
        process.kill(gateway.pid, 'SIGKILL');
        await gateway.waitExit(5000);
        // As if the parks had come while no gateway was connected: the gateway's record of them is gone.
        // Kamailio announces its parked calls to the gateway that connects.
        const calls = execFileSync('redis-cli', ['-s', stack.redisSocket, '--scan', '--pattern', '{xm}:call:*']).toString()
          .split('\n').filter(Boolean);
        assert.equal(calls.length, 2, `two calls known: ${calls}`);
        for (const key of calls) execFileSync('redis-cli', ['-s', stack.redisSocket, 'HDEL', key, 'tindex', 'tlabel', 'parked']);
        await sleep(1000);
        const again = new Proc('hotline serve', HOTLINE_BIN, args, { logFile: stack.file('serve-restarted.log') });
        stack.procs.push(again);
        await again.waitForOutput(/connected to Kamailio's evapi/, 20000, 'the restarted gateway reconnecting to Kamailio');

        const lawyer = answeringLawyer(stack, 1);
        const browser = await stack.launchBrowser();
        await openConsole(stack, browser, stack.baseUrl, lawyerAccount(1), 'lawyer1');
        await waitFor('both parked calls to be answered', () => lawyer.calls === 2, { timeoutMs: 90000 });
        await waitFor('both callers to be hung up on after the survey', () => callers.every((c) => c.proc.exited),
          { timeoutMs: 30000 });
        await lawyer.stop();
        for (const c of callers) assert.equal(c.proc.exitCode, 0, `${c.proc.name}: ${c.proc.describeExit()}`);
        const resumed = new Set(fs.readFileSync(stack.file('kamailio.log'), 'utf8').split('\n')
          .map((l) => /evapi resume \S+ \((\S+)\)/.exec(l)?.[1]).filter(Boolean));
        assert.equal(resumed.size, 2, `both calls resumed by a push, not by the 30 s recheck: ${[...resumed]}`);
        const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
        const row = await phoneRow(stack, boss);
        assert.equal(Number(row.offered), 2);
        assert.equal(Number(row.answered), 2);
        await waitFor('both silent surveys booked as no digit', async () =>
          Number((await phoneRow(stack, boss)).surveyNoInput) === 2, { timeoutMs: 10000 });
      } finally {
        for (const c of callers) c.rtp.close();
      }
    });
    await stack.stop();
  });

test('20 callers and 3 lawyers: served first come, first served', { timeout: 300000 }, async (t) => {
  const stack = await startPhoneStack('phone-fifo', {
    accounts: [lawyerAccount(1), lawyerAccount(2), lawyerAccount(3), supervisor],
    config: { phone: { survey_seconds: 1 }, routing: { wrap_up_seconds: 1, max_wait_seconds: 3600 } },
  });
  await stack.run(t, async () => {
    const lawyers = [];
    const callers = [];
    try {
      for (const n of [1, 2, 3]) await setSipPassword(stack, `lawyer${n}`, `sip-secret-lawyer${n}`);
      for (let i = 0; i < 20; i++) {
        const rtp = new RtpPhone(await freePort('udp'), 400);
        await rtp.open();
        callers.push({ rtp, proc: sipp(stack, `sipp-caller${i}`, 'caller_hangup.xml',
          { cat: 1, caller_rtp_port: rtp.port, talk_ms: 1000 }, { port: await freePort('udp') }) });
        await sleep(150);
      }
      await waitFor('all 20 queued', () => events(stack).filter((e) => e.type === 'queued').length === 20,
        { timeoutMs: 30000 });
      const browser = await stack.launchBrowser();
      for (const n of [1, 2, 3]) {
        lawyers.push(answeringLawyer(stack, n, { talkMs: 5000 }));
        await openConsole(stack, browser, stack.baseUrl, lawyerAccount(n), `lawyer${n}`);
      }
      await waitFor('every caller served', () => callers.every((c) => c.proc.exited), { timeoutMs: 240000, intervalMs: 500 });
      const all = events(stack);
      const arrival = all.filter((e) => e.type === 'queued').map((e) => e.session);
      // Offers go out in arrival order; three phones then answer at their own pace.
      const offeredOrder = [...new Set(all.filter((e) => e.type === 'offered').map((e) => e.session))];
      assert.equal(all.filter((e) => e.type === 'answered').length, 20, 'all 20 answered');
      assert.deepEqual(offeredOrder, arrival, 'offered to a lawyer in the order they called');
      const served = lawyers.map((l) => l.calls);
      t.diagnostic(`calls per lawyer ${served.join(', ')}`);
      assert.equal(served.reduce((a, b) => a + b, 0), 20);
    } finally {
      for (const l of lawyers) await l.stop();
      for (const c of callers) c.rtp.close();
    }
  });
  await stack.stop();
});

test('calls and chats share the lawyers: a call waits while the lawyer has a chat; figures split by channel',
  { timeout: 240000 }, async (t) => {
    const stack = await startPhoneStack('phone-mixed', {
      accounts: [lawyerAccount(1), supervisor],
      config: { phone: { survey_seconds: 10 }, routing: { wrap_up_seconds: 1 } },
    });
    await stack.run(t, async () => {
      await setSipPassword(stack, 'lawyer1', 'sip-secret-lawyer1');
      const lawyer = answeringLawyer(stack, 1);
      const callerRtp = new RtpPhone(await freePort('udp'), 400);
      await callerRtp.open();
      try {
        const browser = await stack.launchBrowser();
        const console1 = await openConsole(stack, browser, stack.baseUrl, lawyerAccount(1), 'lawyer1');
        const chat = await startCallerChat(stack, browser, stack.baseUrl, 'chat caller');
        await waitVisible(console1.page, '#offer-panel', 'the chat offer in the console');
        await console1.page.click('#offer-accept');
        await waitVisible(chat.page, '#chat-panel', 'the chat connected');

        // The lawyer talks 1 s; the caller hangs up 4 s after answering, in the survey.
        const caller = sipp(stack, 'sipp-caller', 'caller_hangup.xml', { cat: 1, caller_rtp_port: callerRtp.port,
          talk_ms: 4000 }, { port: await freePort('udp') });
        await sleep(5000);
        assert.equal(lawyer.calls, 0, 'a lawyer with a chat open is not rung');
        assert.ok(callerRtp.samples().length > 3 * 8000, 'the call waits, hearing music');

        await chat.page.click('#end-btn');
        await waitFor('the call to reach the lawyer once the chat is over', () => lawyer.calls === 1, { timeoutMs: 60000 });
        await waitFor('the call to end', () => caller.exited, { timeoutMs: 30000 });
        const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
        await waitFor("one chat and one call, each answered; the call's survey hung up on", async () => {
          const report = await getSummary(stack.baseUrl, boss, { groupBy: 'day,channel' });
          const rows = (report.rows || []).filter((r) => Number(r.offered) > 0);
          const by = Object.fromEntries(rows.map((r) => [r.dimension, r]));
          return by.CHAT && by.PHONE && Number(by.CHAT.answered) === 1 && Number(by.PHONE.answered) === 1 &&
            Number(by.PHONE.surveyHungUp) === 1 && Number(by.PHONE.rated) === 0;
        }, { timeoutMs: 20000 });
      } finally {
        await lawyer.stop();
        callerRtp.close();
      }
    });
    await stack.stop();
  });
