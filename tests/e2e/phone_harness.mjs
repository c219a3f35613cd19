// What the phone tests share: free ports, the stack with Kamailio and rtpengine, sipp phones, the
// phones' media (this process owns their RTP ports), prompt correlation and signed CTI requests.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  HOTLINE_BIN, SOURCE_DIR, Proc, getSummary, startStack, runToCompletion, sleep, waitFor,
} from './harness.mjs';

const SIPP_DIR = path.join(SOURCE_DIR, 'tests', 'phone', 'sipp');
const PROMPTS_DIR = process.env.HOTLINE_PROMPTS_DIR || path.join(path.dirname(path.dirname(HOTLINE_BIN)), 'prompts');
export const SECRET = 'e2e-phone-secret-0123456789abcdef0123456789';

export async function freePort(kind) {
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

async function udpPortFree(port) {
  const s = dgram.createSocket('udp4');
  const free = await new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => resolve(true));
  });
  s.close();
  return free;
}

/// The base of four free UDP ports for one sipp's own media sockets (`mediaPort` of sipp()).
/// Without -mp, sipp searches up from 6000 and about 50 sipp at once fill that window; with -mp
/// it takes those four ports or fails.
export async function freeMediaPorts() {
  for (;;) {
    const base = 10000 + 4 * Math.floor(Math.random() * 2500);
    let free = true;
    for (let p = base; p < base + 4 && free; p++) free = await udpPortFree(p);
    if (free) return base;
  }
}

// ---- G.711 A-law and tones ----

export function alawDecode(a) {
  a ^= 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8; else t = (t + 0x108) << (seg - 1);
  return (a & 0x80) ? t : -t;
}

export function alawEncode(sample) {
  const sign = sample >= 0 ? 0x80 : 0;
  let s = Math.min(32635, Math.abs(sample));
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = exponent === 0 ? (s >> 4) & 0x0f : (s >> (exponent + 3)) & 0x0f;
  return ((sign | (exponent << 4) | mantissa) ^ 0x55) & 0xff;
}

// Power of one frequency in a block of samples (Goertzel), relative to the block's energy.
export function toneShare(samples, freq) {
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
export class RtpPhone {
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
export function promptEnvelope(name) {
  const raw = execFileSync('sox', [path.join(PROMPTS_DIR, name), '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1',
    '-r', '8000', '-']);
  const samples = [];
  for (let i = 0; i + 1 < raw.length; i += 2) samples.push(raw.readInt16LE(i));
  // Without its leading silence: the phone may hear the prompt from its first sound on.
  const frames = envelope(samples);
  const start = frames.findIndex((x) => x > 100);
  return frames.slice(Math.max(0, start));
}

export function envelope(samples) {
  const out = [];
  for (let i = 0; i + 160 <= samples.length; i += 160) {
    let sum = 0;
    for (let j = 0; j < 160; j++) sum += Math.abs(samples[i + j]);
    out.push(sum / 160);
  }
  return out;
}

// The best Pearson correlation of `pattern` against any stretch of `heard`.
export function bestCorrelation(heard, pattern) {
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

export async function startPhoneStack(name, { config = {}, accounts = [] } = {}) {
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

/// sipp binds media sockets of its own, unused (the test owns the phones' RTP); `mediaPort` (from
/// freeMediaPorts()) places them, for more than about 50 sipp at once.
export function sipp(stack, label, scenario, keys, { port, mediaPort, extra = [] } = {}) {
  const args = ['-sf', path.join(SIPP_DIR, scenario)];
  if (mediaPort) args.push('-mp', String(mediaPort));
  if (scenario.startsWith('lawyer')) args.push('-oocsf', path.join(SIPP_DIR, scenario));
  for (const [k, v] of Object.entries(keys)) args.push('-key', k, String(v));
  args.push(...extra, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-recv_timeout', '90000', '-nostdin',
    `127.0.0.1:${stack.ports.sip}`);
  const p = new Proc(label, 'sipp', args, { logFile: stack.file(`${label}.log`) });
  stack.procs.push(p);
  return p;
}

export function setSipPassword(stack, username, password) {
  return runToCompletion(`set-sip-password ${username}`, HOTLINE_BIN, ['admin', '--config', stack.configFile, '--redis',
    `unix:${stack.redisSocket}`, 'set-sip-password', '--username', username, '--password', password],
  { logFile: stack.file('admin.log') });
}

export function signed(body, { secret = SECRET, at = Math.floor(Date.now() / 1000) } = {}) {
  const text = JSON.stringify(body);
  const signature = crypto.createHmac('sha256', secret).update(`${at}.${text}`).digest('base64url');
  return { text, headers: { 'Content-Type': 'application/json', 'X-Hotline-Timestamp': String(at), 'X-Hotline-Signature': signature } };
}

export async function cti(stack, pathname, body, options = {}) {
  const { text, headers } = signed(body, options);
  const res = await fetch(`${stack.baseUrl}${pathname}`, { method: 'POST', headers: options.headers || headers, body: text });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}


/// A Redis stream of the stack's as [{field: value}], oldest first. JSON output, because --raw
/// prints an empty value as an empty line and the fields after it would shift.
export function redisStream(stack, key) {
  const entries = JSON.parse(execFileSync('redis-cli', ['-s', stack.redisSocket, '--json', 'XRANGE', key, '-', '+']).toString());
  return entries.map(([, fields]) => {
    const entry = {};
    for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]] = fields[i + 1];
    return entry;
  });
}

/// The centre's queue events ({xm}: the e2e configuration's centre).
export const queueEvents = (stack) => redisStream(stack, '{xm}:events');

/// A lawyer whose softphone answers every call and talks for `talkMs`: sipp handles one call per
/// run, so each run registers again and waits for the next call.
export function answeringLawyer(stack, n, { talkMs = 1000 } = {}) {
  const state = { calls: 0, stopped: false, rtp: null, proc: null };
  state.ready = (async () => {
    state.rtp = new RtpPhone(await freePort('udp'), 1000);
    await state.rtp.open();
    state.rtp.startTalking();
    return { port: await freePort('udp'), mediaPort: await freeMediaPorts() };
  })();
  state.done = (async () => {
    const { port, mediaPort } = await state.ready;
    while (!state.stopped) {
      state.proc = sipp(stack, `sipp-lawyer${n}-${state.calls}`, 'lawyer.xml',
        { lawyer_rtp_port: state.rtp.port, talk_ms: talkMs, wait_ms: 120000 },
        { port, mediaPort, extra: ['-s', `lawyer${n}`, '-au', `lawyer${n}`, '-ap', `sip-secret-lawyer${n}`] });
      await state.proc.waitExit(150000);
      if (state.proc.exitCode === 97) state.calls += 1;
      else if (!state.stopped) await sleep(200);
    }
  })();
  state.stop = async () => {
    state.stopped = true;
    if (state.proc && !state.proc.exited) await state.proc.stop();
    await state.done;
    state.rtp.close();
  };
  return state;
}

/// Today's PHONE row of the summary (grouped by day and channel), once a call was offered.
export async function phoneRow(stack, token) {
  const report = await getSummary(stack.baseUrl, token, { groupBy: 'day,channel' });
  return (report.rows || []).find((r) => r.dimension === 'PHONE' && Number(r.offered) > 0);
}

/// Waits for the report to book the stack's one call as abandoned.
export function waitForOneAbandonedCall(stack, token) {
  return waitFor('the report to count the abandon', async () => {
    const row = await phoneRow(stack, token);
    return row && Number(row.offered) === 1 && Number(row.abandoned) === 1 && Number(row.answered) === 0;
  }, { timeoutMs: 20000 });
}
