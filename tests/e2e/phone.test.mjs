// The phone channel end to end: real Kamailio, real rtpengine, sipp as the caller's and the
// lawyer's SIP phones, this process owning both phones' RTP ports (what they hear is captured and
// what they say is a tone), a real browser for the lawyer's console, and the real gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openConsole, setConsoleAvailable, waitFor, waitForText, waitVisible, loginHttp, http, sleep } from './harness.mjs';
import {
  RtpPhone, bestCorrelation, cti, envelope, freePort, phoneRow, promptEnvelope, queueEvents, setSipPassword, signed, sipp,
  startPhoneStack, toneShare, waitForOneAbandonedCall,
} from './phone_harness.mjs';

const lawyer = { username: 'lawyer1', password: 'lawyer1-password', role: 'LAWYER', name: '张律师',
  categories: ['consult.marriage'], languages: ['zh'] };
const supervisor = { username: 'super', password: 'super-password', role: 'SUPERVISOR', name: '值班主管' };

test('a phone call: waits hearing its place in line, reaches the lawyer, is listened to, recorded and rated on the keypad',
  { timeout: 240000 }, async (t) => {
    const stack = await startPhoneStack('phone-call', {
      accounts: [lawyer, supervisor],
      config: { phone: { record_percent: 100, survey_seconds: 6 } },
    });
    await stack.run(t, async () => {
      await setSipPassword(stack, 'lawyer1', 'sip-secret-lawyer1');
      const callerRtp = new RtpPhone(await freePort('udp'), 400);
      const lawyerRtp = new RtpPhone(await freePort('udp'), 1000);
      await callerRtp.open();
      await lawyerRtp.open();
      try {
        const browser = await stack.launchBrowser();
        const console1 = await openConsole(stack, browser, stack.baseUrl, lawyer, 'lawyer console');
        const manager = await stack.newPage(browser, 'dashboard');
        await manager.page.goto(`${stack.baseUrl}/dashboard.html`);
        await manager.page.fill('#username', supervisor.username);
        await manager.page.fill('#password', supervisor.password);
        await manager.page.click('#login-btn');
        await waitVisible(manager.page, '#dashboard-section', 'the dashboard');
        await waitForText(console1.page, '#phone-status', '未注册', 'the console: no softphone yet');

        // The caller dials 12348-1 (婚姻家庭); the only lawyer's phone is not registered: the call waits.
        const dialled = Date.now();
        const caller = sipp(stack, 'sipp-caller', 'caller.xml', { cat: 1, caller_rtp_port: callerRtp.port },
          { port: await freePort('udp') });
        await waitFor('the waiting caller to hear 6 s of early media', () => callerRtp.samples().length >= 6 * 8000,
          { timeoutMs: 20000 });
        callerRtp.startTalking();

        // The lawyer's softphone registers: routing offers the call, Kamailio is pushed and rings it.
        const phone = sipp(stack, 'sipp-lawyer', 'lawyer.xml', { lawyer_rtp_port: lawyerRtp.port, talk_ms: 8000, wait_ms: 60000 },
          { port: await freePort('udp'), extra: ['-s', 'lawyer1', '-au', 'lawyer1', '-ap', 'sip-secret-lawyer1'] });
        await waitForText(console1.page, '#phone-status', '已注册', 'the console: softphone registered');
        await waitFor('the lawyer to hear the caller', () => lawyerRtp.samples().length >= 8000, { timeoutMs: 20000 });
        const bridged = Date.now();
        lawyerRtp.startTalking();

        // A supervisor listens in from the dashboard: both sides reach the page.
        await manager.page.click('[data-testid=listen]', { timeout: 5000 });
        await waitFor('the dashboard to receive the call\'s audio', async () =>
          Number(await manager.page.getAttribute('#listen-status', 'data-packets')) >= 100, { timeoutMs: 6000 });
        await waitForText(manager.page, '#listen-status', '监听中', 'the listening banner');

        // The console shows the call as connected, ended on the phone: no end, transfer or chat box.
        const pane = console1.page.locator('[data-testid=session-pane][data-state=CONNECTED]');
        await waitForText(console1.page, '[data-testid=session-meta]', '通话中', 'the console: the call in progress');
        assert.equal(await pane.locator('[data-testid=session-end]').isVisible(), false, 'no end button for a call');
        assert.equal(await pane.locator('[data-testid=session-compose]').isVisible(), false, 'no chat box for a call');

        await waitFor('the lawyer hanging up after 8 s of talk', () => phone.exited, { timeoutMs: 30000 });
        const lawyerLeft = Date.now();
        lawyerRtp.stopTalking();

        // The survey prompt plays; the caller presses 2 (基本满意) and Kamailio hangs up on them.
        await sleep(4000);
        const pressed = Date.now();
        await callerRtp.press(2);
        await waitFor('the caller to be hung up on after the thanks', () => caller.exited, { timeoutMs: 30000 });
        assert.equal(caller.exitCode, 0, `the caller's sipp: ${caller.describeExit()}`);

        // What the caller heard: the announcement, then the lawyer's voice; the lawyer heard the caller.
        const waiting = envelope(callerRtp.samples(dialled, bridged - 500));
        const intro = promptEnvelope('queue_intro.mp3').slice(0, 150);
        const introMatch = bestCorrelation(waiting, intro);
        t.diagnostic(`announcement correlation ${introMatch.toFixed(3)}`);
        assert.ok(introMatch > 0.8, `the caller heard queue_intro.mp3 (correlation ${introMatch})`);
        const talk = callerRtp.samples(bridged + 1000, lawyerLeft - 500);
        assert.ok(talk.length > 8000, 'the caller heard audio during the talk');
        assert.ok(toneShare(talk.slice(0, 8000), 1000) > 0.5, 'the caller heard the lawyer (1000 Hz)');
        assert.ok(toneShare(lawyerRtp.samples(bridged, lawyerLeft - 500).slice(0, 8000), 400) > 0.5,
          'the lawyer heard the caller (400 Hz)');
        const survey = envelope(callerRtp.samples(lawyerLeft, pressed));
        t.diagnostic(`survey window ${survey.length} frames; first packet after the lawyer left at +${
          (callerRtp.received.find((p) => p.at > lawyerLeft) || { at: NaN }).at - lawyerLeft} ms`);
        const surveyMatch = bestCorrelation(survey, promptEnvelope('survey.mp3').slice(0, 80));
        t.diagnostic(`survey correlation ${surveyMatch.toFixed(3)}`);
        assert.ok(surveyMatch > 0.8, `the caller heard survey.mp3 after the lawyer left (correlation ${surveyMatch})`);

        // The figures: one phone call offered, answered and rated 基本满意.
        const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
        await waitFor('the report to count the rated call', async () => {
          const row = await phoneRow(stack, boss);
          return row && Number(row.answered) === 1 && Number(row.rated) === 1 &&
            Number(row.basicSatisfied) === 1 && Math.abs(Number(row.satisfaction) - 1) < 1e-9;
        }, { timeoutMs: 20000 });

        // The sampled call's recording holds the talk: 8 s, not the music or the survey.
        const list = await waitFor('the recording to be converted', async () => {
          const r = await http(stack.baseUrl, '/api/v1/recordings', { token: boss });
          return r.json && r.json.recordings && r.json.recordings.length === 1 ? r.json : null;
        }, { timeoutMs: 30000 });
        const seconds = Number(list.recordings[0].seconds);
        t.diagnostic(`recording ${seconds.toFixed(2)} s`);
        assert.ok(seconds > 7.0 && seconds < 10.0, `the recording lasts the talk time (${seconds} s)`);
        const file = await fetch(`${stack.baseUrl}${list.recordings[0].url}`, { headers: { Authorization: `Bearer ${boss}` } });
        assert.equal(file.status, 200);
        assert.equal(file.headers.get('content-type'), 'audio/mpeg');
      } finally {
        callerRtp.close();
        lawyerRtp.close();
      }
    });
    await stack.stop();
  });

test('a caller who hangs up while queued is booked as abandoned', { timeout: 120000 }, async (t) => {
  const stack = await startPhoneStack('phone-abandon', { accounts: [supervisor] });
  await stack.run(t, async () => {
    const callerRtp = new RtpPhone(await freePort('udp'), 400);
    await callerRtp.open();
    try {
      const caller = sipp(stack, 'sipp-cancel', 'caller_cancel.xml',
        { cat: 2, caller_rtp_port: callerRtp.port, wait_ms: 3000 }, { port: await freePort('udp') });
      await waitFor('the caller to cancel', () => caller.exited, { timeoutMs: 30000 });
      assert.equal(caller.exitCode, 0, `caller_cancel: ${caller.describeExit()}`);
      assert.ok(callerRtp.samples().length > 8000, 'the queued caller heard early media before leaving');
      const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
      await waitForOneAbandonedCall(stack, boss);
    } finally {
      callerRtp.close();
    }
  });
  await stack.stop();
});

test("a caller who hangs up while the lawyer's phone rings is booked as abandoned, not as the lawyer's miss",
  { timeout: 120000 }, async (t) => {
    const stack = await startPhoneStack('phone-abandon-ringing', {
      accounts: [lawyer, supervisor], config: { routing: { ring_timeout_seconds: 30 } },
    });
    await stack.run(t, async () => {
      await setSipPassword(stack, 'lawyer1', 'sip-secret-lawyer1');
      const callerRtp = new RtpPhone(await freePort('udp'), 400);
      await callerRtp.open();
      try {
        const ringing = sipp(stack, 'sipp-lawyer', 'lawyer_noanswer.xml', { wait_ms: 60000 }, { port: await freePort('udp'),
          extra: ['-s', 'lawyer1', '-au', 'lawyer1', '-ap', 'sip-secret-lawyer1'] });
        const browser = await stack.launchBrowser();
        const console1 = await openConsole(stack, browser, stack.baseUrl, lawyer, 'lawyer console', { available: false });
        await waitFor('the console to show the phone registered',
          async () => (await console1.page.getAttribute('#phone-status', 'data-registered')) === '1', { timeoutMs: 15000 });
        await setConsoleAvailable(console1, 'lawyer console');

        const caller = sipp(stack, 'sipp-cancel', 'caller_cancel.xml',
          { cat: 1, caller_rtp_port: callerRtp.port, wait_ms: 3000 }, { port: await freePort('udp') });
        await waitFor('the caller to cancel', () => caller.exited, { timeoutMs: 30000 });
        assert.equal(caller.exitCode, 0, `caller_cancel: ${caller.describeExit()}`);
        await waitFor("the lawyer's phone to stop ringing", () => ringing.exited, { timeoutMs: 10000 });
        assert.equal(ringing.exitCode, 97, `the lawyer's phone rang and was cancelled: ${ringing.describeExit()}`);

        const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
        await waitForOneAbandonedCall(stack, boss);
        const booked = queueEvents(stack).filter((e) => e.session && e.type !== 'queued').map((e) => e.type);
        assert.ok(booked.includes('offered'), `the call was offered: ${booked}`);
        assert.ok(!booked.includes('offer_timeout'), `a caller hanging up is not the lawyer's miss: ${booked}`);
        await waitForText(console1.page, '#agent-status', '在线', 'the lawyer available again');
      } finally {
        callerRtp.close();
      }
    });
    await stack.stop();
  });

test('CTI requests: unsigned, replayed, stale and foreign-source are refused; duplicate and shuffled events count once',
  { timeout: 120000 }, async (t) => {
    // Listening on both loopbacks, the CTI API allowed only from 127.0.0.1: ::1 is a foreign source.
    const stack = await startPhoneStack('phone-cti', {
      accounts: [lawyer, supervisor],
      config: { server: { listen: '::' }, phone: { cti_allowed_sources: ['127.0.0.1'] } },
    });
    await stack.run(t, async () => {
      const call = { callid: 'cti-test-1@127.0.0.1', caller: 'sip:13800000000@127.0.0.1', dialled: '12348-1', ivr: '',
        ftag: 'caller-tag-1', attempt: 0, ts: `${Date.now() / 1000}` };
      // a signed request from a source not allowed
      const foreign = signed(call);
      const fromV6 = await fetch(stack.baseUrl.replace('127.0.0.1', '[::1]') + '/cti/v1/calls',
        { method: 'POST', headers: foreign.headers, body: foreign.text });
      assert.equal(fromV6.status, 403);
      assert.equal((await fromV6.json()).error.code, 'FORBIDDEN');
      // unsigned, wrongly signed, stale
      const plain = await fetch(`${stack.baseUrl}/cti/v1/calls`, { method: 'POST', body: JSON.stringify(call) });
      assert.equal(plain.status, 401);
      assert.equal((await plain.json()).error.code, 'NOT_AUTHENTICATED');
      assert.equal((await cti(stack, '/cti/v1/calls', call, { secret: 'not-the-secret' })).status, 401);
      assert.equal((await cti(stack, '/cti/v1/calls', call, { at: Math.floor(Date.now() / 1000) - 600 })).status, 401);
      // a replay of a signed request
      const once = signed({ user: 'lawyer1', expires: 60, contact: 'sip:lawyer1@127.0.0.1:5999', ts: '1' });
      const first = await fetch(`${stack.baseUrl}/cti/v1/registrations`, { method: 'POST', headers: once.headers, body: once.text });
      assert.equal(first.status, 200);
      const again = await fetch(`${stack.baseUrl}/cti/v1/registrations`, { method: 'POST', headers: once.headers, body: once.text });
      assert.equal(again.status, 401);

      // The lawyer is available with a registered phone: the call is connected at once.
      const browser = await stack.launchBrowser();
      await openConsole(stack, browser, stack.baseUrl, lawyer, 'lawyer console');
      await sleep(300);
      const routed = await cti(stack, '/cti/v1/calls', call);
      assert.equal(routed.status, 200);
      assert.equal(routed.body.action, 'connect');
      assert.equal(routed.body.lawyer, 'lawyer1');
      const base = Date.now() / 1000;
      const ev = (id, event, dt, extra = {}) => ({ id, event, callid: call.callid, ts: (base + dt).toFixed(6), lawyer: 'lawyer1',
        code: 0, ftag: call.ftag, ttag: 'lawyer-tag', qtag: '', ...extra });
      const events = [ev('e3', 'hangup', 5), ev('e2', 'answer', 1, { code: 200 }), ev('e2', 'answer', 1, { code: 200 }),
        ev('e1', 'offer', 0.1), ev('e3', 'hangup', 5), ev('e4', 'hangup', 5.2)];
      const url = `/cti/v1/calls/${encodeURIComponent(call.callid)}/events`;
      // A repeat is the same event re-sent later: signed anew (the same signature again is a replay).
      // e4 is a second report of the same hang-up under its own id (dialog:end and the end_call fallback).
      const seen = new Set();
      for (const e of events) {
        const at = Math.floor(Date.now() / 1000) + (seen.has(e.id) ? 1 : 0);
        seen.add(e.id);
        assert.equal((await cti(stack, url, e, { at })).status, 200, `event ${e.id}`);
      }
      const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
      const row = await phoneRow(stack, boss);
      assert.ok(row, 'a phone row in the report');
      assert.equal(Number(row.offered), 1);
      assert.equal(Number(row.answered), 1);
      assert.equal(Number(row.abandoned || 0), 0);
    });
    await stack.stop();
  });
