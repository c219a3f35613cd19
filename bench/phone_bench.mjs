// The phone channel under load: 100 sipp callers and 20 sipp lawyers through real Kamailio and
// rtpengine, with this process owning every phone's RTP port (callers and lawyers talk a tone).
// Prints per-call latencies (offer → lawyer ringing, lawyer free → caller connected, INVITE → lawyer
// ringing when a lawyer is free) and the CPU of rtpengine, the gateway and Kamailio per waiting
// caller (hearing announcements and music) and per talking call. Run by bench/run.sh
// (node --experimental-websocket, for the lawyers' status sockets).
import fs from 'node:fs';
import { sleep, waitFor } from '../tests/e2e/harness.mjs';
import {
  RtpPhone, answeringLawyer, freeMediaPorts, freePort, redisStream as stream, setSipPassword, sipp, startPhoneStack,
} from '../tests/e2e/phone_harness.mjs';

const CALLERS = Number(process.env.PHONE_BENCH_CALLERS || 100);
const LAWYERS = Number(process.env.PHONE_BENCH_LAWYERS || 20);
const TALK_MS = 8000;
const TICK = 100;  // clock ticks per second (Linux USER_HZ)

function cpuTicks(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

// Kamailio forks its workers: its CPU is the whole process tree's.
function treeTicks(root) {
  let total = cpuTicks(root);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (ppid === root) total += cpuTicks(Number(entry));
    } catch {
      // gone
    }
  }
  return total;
}

async function cpuOver(stack, ms) {
  const pids = Object.fromEntries(['rtpengine', 'hotline serve', 'kamailio'].map((n) => [n, stack.procs.find((p) => p.name === n).pid]));
  const read = () => ({ rtpengine: cpuTicks(pids.rtpengine), gateway: cpuTicks(pids['hotline serve']), kamailio: treeTicks(pids.kamailio) });
  const before = read();
  await sleep(ms);
  const after = read();
  const share = (k) => ((after[k] - before[k]) / TICK) / (ms / 1000) * 100;  // % of one core
  return { rtpengine: share('rtpengine'), gateway: share('gateway'), kamailio: share('kamailio') };
}

function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (values) => `median ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (n=${values.length})`;

async function signIn(stack, username, password) {
  const res = await fetch(`${stack.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }) });
  const { token } = await res.json();
  const issued = await fetch(`${stack.baseUrl}/api/v1/auth/socket-pass`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}` } });
  const { pass } = await issued.json();
  const ws = new WebSocket(`${stack.baseUrl.replace('http', 'ws')}/ws/agent?pass=${pass}`);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  ws.send(JSON.stringify({ requestId: `available-${username}`, setStatus: { status: 'AVAILABLE' } }));
  return ws;
}

async function main() {
  const accounts = [];
  for (let n = 1; n <= LAWYERS; n++) {
    accounts.push({ username: `lawyer${n}`, password: `lawyer${n}-password`, role: 'LAWYER', name: `律师${n}`,
      categories: ['consult.marriage'], languages: ['zh'] });
  }
  const stack = await startPhoneStack('phone-bench', {
    accounts,
    config: { phone: { record_percent: 0, survey_seconds: 1, recheck_seconds: 30, rtp_port_min: 20000, rtp_port_max: 21999 },
      routing: { wrap_up_seconds: 1, max_wait_seconds: 3600, max_queue_length: 1000, ring_timeout_seconds: 20 } },
  });
  const phones = [];
  const lawyers = [];
  const sockets = [];
  try {
    for (let n = 1; n <= LAWYERS; n++) {
      await setSipPassword(stack, `lawyer${n}`, `sip-secret-lawyer${n}`);
      sockets.push(await signIn(stack, `lawyer${n}`, `lawyer${n}-password`));
    }
    // 1. Every caller waits: the lawyers are on duty but their phones are not registered yet.
    const callers = [];
    for (let i = 0; i < CALLERS; i++) {
      const rtp = new RtpPhone(await freePort('udp'), 400);
      await rtp.open();
      rtp.startTalking();
      phones.push(rtp);
      callers.push(sipp(stack, `sipp-caller${i}`, 'caller.xml', { cat: 1, caller_rtp_port: rtp.port },
        { port: await freePort('udp'), mediaPort: await freeMediaPorts() }));
      await sleep(50);
    }
    await waitFor(`${CALLERS} callers hearing early media`, () => phones.every((p) => p.samples().length > 8000),
      { timeoutMs: 60000, intervalMs: 500 }).catch((err) => {
      const hearing = phones.filter((p) => p.samples().length > 8000).length;
      const ended = callers.filter((c) => c.exited).length;
      throw new Error(`${err.message}: ${hearing} hear early media, ${ended} calls ended (logs in ${stack.dir})`);
    });
    const waiting = await cpuOver(stack, 10000);

    // 2. The lawyers' phones register: LAWYERS calls connect and talk, the rest keep waiting.
    for (let n = 1; n <= LAWYERS; n++) lawyers.push(answeringLawyer(stack, n, { talkMs: TALK_MS }));
    await waitFor(`${LAWYERS} calls talking`, () => stream(stack, '{xm}:events').filter((e) => e.type === 'answered').length >= LAWYERS,
      { timeoutMs: 60000, intervalMs: 250 });
    await sleep(1000);
    const mixed = await cpuOver(stack, 5000);

    // 3. Drain the queue; then LAWYERS fresh calls to free lawyers (INVITE → ringing without a wait).
    await waitFor('every waiting caller served', () => callers.every((c) => c.exited), { timeoutMs: 600000, intervalMs: 1000 });
    await sleep(3000);
    const freshSince = Date.now();
    const fresh = [];
    for (let i = 0; i < LAWYERS; i++) {
      const rtp = new RtpPhone(await freePort('udp'), 400);
      await rtp.open();
      phones.push(rtp);
      fresh.push(sipp(stack, `sipp-fresh${i}`, 'caller_hangup.xml', { cat: 1, caller_rtp_port: rtp.port, talk_ms: 1000 },
        { port: await freePort('udp'), mediaPort: await freeMediaPorts() }));
      await sleep(200);
    }
    await waitFor('the fresh calls to finish', () => fresh.every((c) => c.exited), { timeoutMs: 120000, intervalMs: 500 });

    // Latencies, from the queue's events (Redis clock) and Kamailio's reports (its clock; one machine).
    const events = stream(stack, '{xm}:events');
    const cti = stream(stack, '{xm}:cti');
    fs.writeFileSync(stack.file('streams.json'), JSON.stringify({ events, cti }));
    const ms = (ts) => Number(ts) * 1000;
    const offerToRinging = [];
    const freeToConnected = [];
    const freeToRinging = [];
    const lastRinging = new Map();
    const inviteToRinging = [];
    const ringingBySession = new Map();
    const firstRoute = new Map();
    for (const c of cti) {
      if (c.what === 'route' && !firstRoute.has(c.session)) firstRoute.set(c.session, ms(c.ts));
      if (c.what === 'ringing' && !ringingBySession.has(c.session)) ringingBySession.set(c.session, ms(c.ts));
      if (c.what === 'ringing') lastRinging.set(c.session, ms(c.ts));
    }
    // The waiting callers' calls, not the fresh ones that met a free lawyer.
    const waited = new Set(events.filter((e) => e.type === 'queued' && Number(e.at) < freshSince).map((e) => e.session));
    const lastClosed = new Map();
    for (const e of events) {
      if (e.type === 'offered' && ringingBySession.has(e.session)) offerToRinging.push(ringingBySession.get(e.session) - Number(e.at));
      if (e.type === 'closed') lastClosed.set(e.agent, Number(e.at));
      if (e.type === 'answered' && lastClosed.has(e.agent) && waited.has(e.session)) {
        freeToConnected.push(Number(e.at) - lastClosed.get(e.agent));
        if (lastRinging.has(e.session)) freeToRinging.push(lastRinging.get(e.session) - lastClosed.get(e.agent));
        lastClosed.delete(e.agent);
      }
      if (e.type === 'queued' && Number(e.at) >= freshSince && ringingBySession.has(e.session) && firstRoute.has(e.session)) {
        inviteToRinging.push(ringingBySession.get(e.session) - firstRoute.get(e.session));
      }
    }
    const answered = events.filter((e) => e.type === 'answered').length;
    const perWaiting = { rtpengine: waiting.rtpengine / CALLERS, gateway: waiting.gateway / CALLERS, kamailio: waiting.kamailio / CALLERS };
    const waitingNow = CALLERS - LAWYERS;
    const perTalking = {
      rtpengine: (mixed.rtpengine - waitingNow * perWaiting.rtpengine) / LAWYERS,
      gateway: (mixed.gateway - waitingNow * perWaiting.gateway) / LAWYERS,
      kamailio: (mixed.kamailio - waitingNow * perWaiting.kamailio) / LAWYERS,
    };
    console.log(`phone bench: ${CALLERS} callers at once, ${LAWYERS} lawyers, ${TALK_MS / 1000} s talk; ${answered} calls answered`);
    console.log(`  offer → lawyer's phone ringing:            ${fmt(offerToRinging)}`);
    console.log(`  lawyer free (wrap-up over) → next call ringing: ${fmt(freeToRinging)}`);
    console.log(`  lawyer free (wrap-up over) → caller connected: ${fmt(freeToConnected)} (the sipp lawyer answers 1 s after ringing)`);
    console.log(`  INVITE → lawyer ringing, a lawyer free:      ${fmt(inviteToRinging)}`);
    console.log(`  CPU, ${CALLERS} waiting (announcements, music):  rtpengine ${waiting.rtpengine.toFixed(1)} %, gateway ${waiting.gateway.toFixed(1)} %, kamailio ${waiting.kamailio.toFixed(1)} % of one core`);
    console.log(`  CPU, ${LAWYERS} talking + ${waitingNow} waiting:        rtpengine ${mixed.rtpengine.toFixed(1)} %, gateway ${mixed.gateway.toFixed(1)} %, kamailio ${mixed.kamailio.toFixed(1)} %`);
    console.log(`  per waiting caller: rtpengine ${perWaiting.rtpengine.toFixed(3)} %, gateway ${perWaiting.gateway.toFixed(3)} %, kamailio ${perWaiting.kamailio.toFixed(3)} %`);
    console.log(`  per talking call:   rtpengine ${perTalking.rtpengine.toFixed(3)} %, gateway ${perTalking.gateway.toFixed(3)} %, kamailio ${perTalking.kamailio.toFixed(3)} %`);
    console.log(`  ratios: talking ÷ waiting (rtpengine) ${(perTalking.rtpengine / perWaiting.rtpengine).toFixed(2)}; gateway ÷ rtpengine per waiting caller ${(perWaiting.gateway / perWaiting.rtpengine).toFixed(2)}`);
  } finally {
    for (const l of lawyers) await l.stop();
    for (const s of sockets) s.close();
    for (const p of phones) p.close();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
