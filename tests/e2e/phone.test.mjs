// The phone channel end to end: real Kamailio, real rtpengine, sipp as the caller's and the
// lawyer's SIP phones, this process owning both phones' RTP ports (what they hear is captured and
// what they say is a tone), a real browser for the lawyer's console, and the real gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  HOTLINE_BIN, SOURCE_DIR, Proc, startStack, runToCompletion, openConsole, waitFor, waitForText, loginHttp, getSummary,
  http, sleep,
} from './harness.mjs';

const SIPP_DIR = path.join(SOURCE_DIR, 'tests', 'phone', 'sipp');
const PROMPTS_DIR = process.env.HOTLINE_PROMPTS_DIR || path.join(path.dirname(path.dirname(HOTLINE_BIN)), 'prompts');
const SECRET = 'e2e-phone-secret-0123456789abcdef0123456789';

async function freePort(kind) {
  if (kind === 'udp') {
    const s = dgram.createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    const { port } = s.address();
    s.close();
    return port;
  }
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

// ---- G.711 A-law and tones ----

function alawDecode(a) {
  a ^= 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8; else t = (t + 0x108) << (seg - 1);
  return (a & 0x80) ? t : -t;
}

function alawEncode(sample) {
  const sign = sample >= 0 ? 0x80 : 0;
  let s = Math.min(32635, Math.abs(sample));
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = exponent === 0 ? (s >> 4) & 0x0f : (s >> (exponent + 3)) & 0x0f;
  return ((sign | (exponent << 4) | mantissa) ^ 0x55) & 0xff;
}

// Power of one frequency in a block of samples (Goertzel), relative to the block's energy.
function toneShare(samples, freq) {
  const k = 2 * Math.cos((2 * Math.PI * freq) / 8000);
  let s1 = 0, s2 = 0, energy = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return energy > 0 ? power / (energy * samples.length / 2) : 0;
}

// A phone's media: captures what reaches its RTP port, and can talk (a tone) and press keys.
class RtpPhone {
  constructor(port, toneHz) {
    this.port = port;
    this.toneHz = toneHz;
    this.received = [];  // {at, pt, payload}
    this.peer = null;
    this.seq = Math.floor(Math.random() * 1000);
    this.ts = 0;
    this.ssrc = crypto.randomBytes(4).readUInt32BE(0);
    this.phase = 0;
    this.socket = dgram.createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      if (msg.length < 12) return;
      this.peer = { address: rinfo.address, port: rinfo.port };
      const cc = msg[0] & 0x0f;
      this.received.push({ at: Date.now(), pt: msg[1] & 0x7f, payload: msg.subarray(12 + 4 * cc) });
    });
  }

  async open() {
    await new Promise((r) => this.socket.bind(this.port, '127.0.0.1', r));
  }

  packet(pt, payload, marker = false) {
    const h = Buffer.alloc(12);
    h[0] = 0x80;
    h[1] = (marker ? 0x80 : 0) | pt;
    h.writeUInt16BE(this.seq++ & 0xffff, 2);
    h.writeUInt32BE(this.ts >>> 0, 4);
    h.writeUInt32BE(this.ssrc, 8);
    return Buffer.concat([h, payload]);
  }

  // Talks (sends the tone every 20 ms) to whoever sends it media, until stopped.
  startTalking() {
    this.talker = setInterval(() => {
      if (!this.peer) return;
      const payload = Buffer.alloc(160);
      for (let i = 0; i < 160; i++) {
        payload[i] = alawEncode(Math.round(8000 * Math.sin(this.phase)));
        this.phase += (2 * Math.PI * this.toneHz) / 8000;
      }
      this.socket.send(this.packet(8, payload), this.peer.port, this.peer.address);
      this.ts += 160;
    }, 20);
  }

  stopTalking() {
    clearInterval(this.talker);
  }

  // One RFC 4733 key press (telephone-event, payload type 101 in the phones' SDP).
  async press(digit) {
    const start = this.ts;
    for (let i = 1; i <= 8; i++) {
      const end = i > 5;
      const ev = Buffer.from([digit, (end ? 0x80 : 0) | 10, 0, 0]);
      ev.writeUInt16BE(Math.min(i, 5) * 160, 2);
      this.ts = start;
      this.socket.send(this.packet(101, ev, i === 1), this.peer.port, this.peer.address);
      await sleep(20);
    }
    this.ts = start + 6 * 160;
  }

  samples(from = 0, to = Infinity) {
    const out = [];
    for (const p of this.received) {
      if (p.pt !== 8 || p.at < from || p.at > to) continue;
      for (const b of p.payload) out.push(alawDecode(b));
    }
    return out;
  }

  close() {
    this.stopTalking();
    this.socket.close();
  }
}

// Loudness per 20 ms of a prompt file, decoded by sox, for correlating with what a phone heard.
function promptEnvelope(name) {
  const raw = execFileSync('sox', [path.join(PROMPTS_DIR, name), '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1',
    '-r', '8000', '-']);
  const samples = [];
  for (let i = 0; i + 1 < raw.length; i += 2) samples.push(raw.readInt16LE(i));
  // Without its leading silence: the phone may hear the prompt from its first sound on.
  const frames = envelope(samples);
  const start = frames.findIndex((x) => x > 100);
  return frames.slice(Math.max(0, start));
}

function envelope(samples) {
  const out = [];
  for (let i = 0; i + 160 <= samples.length; i += 160) {
    let sum = 0;
    for (let j = 0; j < 160; j++) sum += Math.abs(samples[i + j]);
    out.push(sum / 160);
  }
  return out;
}

// The best Pearson correlation of `pattern` against any stretch of `heard`.
function bestCorrelation(heard, pattern) {
  let best = -1;
  const n = pattern.length;
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  const pm = mean(pattern);
  for (let lag = 0; lag + n <= heard.length; lag++) {
    const part = heard.slice(lag, lag + n);
    const hm = mean(part);
    let num = 0, dp = 0, dh = 0;
    for (let i = 0; i < n; i++) {
      num += (pattern[i] - pm) * (part[i] - hm);
      dp += (pattern[i] - pm) ** 2;
      dh += (part[i] - hm) ** 2;
    }
    if (dp > 0 && dh > 0) best = Math.max(best, num / Math.sqrt(dp * dh));
  }
  return best;
}

// ---- the stack with the phone channel ----

async function startPhoneStack(name, { config = {}, accounts = [] } = {}) {
  const ports = {
    gateway: await freePort('tcp'), sip: await freePort('udp'), evapi: await freePort('tcp'), ng: await freePort('udp'),
    cli: await freePort('tcp'), dtmf: await freePort('udp'),
  };
  const rtpBase = 40000 + Math.floor(Math.random() * 200) * 100;
  const stack = await startStack({
    name, accounts, port: ports.gateway,
    config: {
      ...config,
      phone: {
        enabled: true, sip_port: ports.sip, evapi_port: ports.evapi, rtpengine_ng_port: ports.ng,
        rtpengine_cli_port: ports.cli, dtmf_port: ports.dtmf, rtp_port_min: rtpBase, rtp_port_max: rtpBase + 99,
        cti_secret: SECRET, ...(config.phone || {}),
      },
    },
  });
  stack.ports = ports;
  const phoneDir = stack.file('phone');
  await runToCompletion('hotline phone-config', HOTLINE_BIN, ['phone-config', '--config', stack.configFile, '--data-dir',
    stack.dataDir, '--port', String(ports.gateway), '--out', phoneDir], { logFile: stack.file('phone-config.log') });
  const rtpengine = new Proc('rtpengine', 'rtpengine', [`--config-file=${path.join(phoneDir, 'rtpengine.conf')}`,
    '--config-section=rtpengine'], { logFile: stack.file('rtpengine.log') });
  stack.procs.push(rtpengine);
  const kamailio = new Proc('kamailio', 'kamailio', ['-f', path.join(phoneDir, 'kamailio.cfg'), '-DD', '-E', '-m', '64',
    '-M', '8', '-P', path.join(stack.dataDir, 'phone', 'run', 'kamailio.pid'), '-Y', path.join(stack.dataDir, 'phone', 'run')],
  { logFile: stack.file('kamailio.log') });
  stack.procs.push(kamailio);
  const gateway = stack.procs.find((p) => p.name === 'hotline serve');
  await gateway.waitForOutput(/connected to Kamailio's evapi/, 20000, 'the gateway connecting to Kamailio');
  return stack;
}

function sipp(stack, label, scenario, keys, { port, extra = [] } = {}) {
  const args = ['-sf', path.join(SIPP_DIR, scenario)];
  if (scenario.startsWith('lawyer')) args.push('-oocsf', path.join(SIPP_DIR, scenario));
  for (const [k, v] of Object.entries(keys)) args.push('-key', k, String(v));
  args.push(...extra, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-recv_timeout', '90000', '-nostdin',
    `127.0.0.1:${stack.ports.sip}`);
  const p = new Proc(label, 'sipp', args, { logFile: stack.file(`${label}.log`) });
  stack.procs.push(p);
  return p;
}

function setSipPassword(stack, username, password) {
  return runToCompletion(`set-sip-password ${username}`, HOTLINE_BIN, ['admin', '--config', stack.configFile, '--redis',
    `unix:${stack.redisSocket}`, 'set-sip-password', '--username', username, '--password', password],
  { logFile: stack.file('admin.log') });
}

function signed(body, { secret = SECRET, at = Math.floor(Date.now() / 1000) } = {}) {
  const text = JSON.stringify(body);
  const signature = crypto.createHmac('sha256', secret).update(`${at}.${text}`).digest('base64url');
  return { text, headers: { 'Content-Type': 'application/json', 'X-Hotline-Timestamp': String(at), 'X-Hotline-Signature': signature } };
}

async function cti(stack, pathname, body, options = {}) {
  const { text, headers } = signed(body, options);
  const res = await fetch(`${stack.baseUrl}${pathname}`, { method: 'POST', headers: options.headers || headers, body: text });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

const lawyer = { username: 'lawyer1', password: 'lawyer1-password', role: 'LAWYER', name: '张律师',
  categories: ['consult.marriage'], languages: ['zh'] };
const supervisor = { username: 'super', password: 'super-password', role: 'SUPERVISOR', name: '值班主管' };

test('a phone call: waits hearing its place in line, reaches the lawyer, is recorded and rated on the keypad',
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
        await waitForText(console1.page, '#phone-status', '未注册', 'the console: no softphone yet');

        // The caller dials 12348-1 (婚姻家庭); the only lawyer's phone is not registered: the call waits.
        const dialled = Date.now();
        const caller = sipp(stack, 'sipp-caller', 'caller.xml', { cat: 1, caller_rtp_port: callerRtp.port },
          { port: await freePort('udp') });
        await waitFor('the waiting caller to hear 6 s of early media', () => callerRtp.samples().length >= 6 * 8000,
          { timeoutMs: 20000 });
        callerRtp.startTalking();

        // The lawyer's softphone registers: routing offers the call, Kamailio is pushed and rings it.
        const phone = sipp(stack, 'sipp-lawyer', 'lawyer.xml', { lawyer_rtp_port: lawyerRtp.port, talk_ms: 4000, wait_ms: 60000 },
          { port: await freePort('udp'), extra: ['-s', 'lawyer1', '-au', 'lawyer1', '-ap', 'sip-secret-lawyer1'] });
        await waitForText(console1.page, '#phone-status', '已注册', 'the console: softphone registered');
        await waitFor('the lawyer to hear the caller', () => lawyerRtp.samples().length >= 8000, { timeoutMs: 20000 });
        const bridged = Date.now();
        lawyerRtp.startTalking();
        await waitFor('the lawyer hanging up after 4 s of talk', () => phone.exited, { timeoutMs: 30000 });
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
          const report = await getSummary(stack.baseUrl, boss, { groupBy: 'day,channel' });
          const phoneRow = (report.rows || []).find((r) => r.dimension === 'PHONE' && Number(r.offered) > 0);
          return phoneRow && Number(phoneRow.answered) === 1 && Number(phoneRow.rated) === 1 &&
            Number(phoneRow.basicSatisfied) === 1 && Math.abs(Number(phoneRow.satisfaction) - 1) < 1e-9;
        }, { timeoutMs: 20000 });

        // The sampled call's recording holds the talk: 4 s, not the music or the survey.
        const list = await waitFor('the recording to be converted', async () => {
          const r = await http(stack.baseUrl, '/api/v1/recordings', { token: boss });
          return r.json && r.json.recordings && r.json.recordings.length === 1 ? r.json : null;
        }, { timeoutMs: 30000 });
        const seconds = Number(list.recordings[0].seconds);
        t.diagnostic(`recording ${seconds.toFixed(2)} s`);
        assert.ok(seconds > 3.0 && seconds < 6.0, `the recording lasts the talk time (${seconds} s)`);
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
      await waitFor('the report to count the abandon', async () => {
        const report = await getSummary(stack.baseUrl, boss, { groupBy: 'day,channel' });
        const row = (report.rows || []).find((r) => r.dimension === 'PHONE' && Number(r.offered) > 0);
        return row && Number(row.abandoned) === 1 && Number(row.answered) === 0;
      }, { timeoutMs: 20000 });
    } finally {
      callerRtp.close();
    }
  });
  await stack.stop();
});

test('CTI requests: unsigned, replayed and stale are refused; duplicate and shuffled events count once',
  { timeout: 120000 }, async (t) => {
    const stack = await startPhoneStack('phone-cti', { accounts: [lawyer, supervisor] });
    await stack.run(t, async () => {
      const call = { callid: 'cti-test-1@127.0.0.1', caller: 'sip:13800000000@127.0.0.1', dialled: '12348-1', ivr: '',
        ftag: 'caller-tag-1', attempt: 0, ts: `${Date.now() / 1000}` };
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
        ev('e1', 'offer', 0.1), ev('e3', 'hangup', 5)];
      const url = `/cti/v1/calls/${encodeURIComponent(call.callid)}/events`;
      // A repeat is the same event re-sent later: signed anew (the same signature again is a replay).
      const seen = new Set();
      for (const e of events) {
        const at = Math.floor(Date.now() / 1000) + (seen.has(e.id) ? 1 : 0);
        seen.add(e.id);
        assert.equal((await cti(stack, url, e, { at })).status, 200, `event ${e.id}`);
      }
      const boss = (await loginHttp(stack.baseUrl, supervisor.username, supervisor.password)).token;
      const report = await getSummary(stack.baseUrl, boss, { groupBy: 'day,channel' });
      const row = (report.rows || []).find((r) => r.dimension === 'PHONE' && Number(r.offered) > 0);
      assert.ok(row, `a phone row in ${JSON.stringify(report.rows)}`);
      assert.equal(Number(row.offered), 1);
      assert.equal(Number(row.answered), 1);
      assert.equal(Number(row.abandoned || 0), 0);
    });
    await stack.stop();
  });
