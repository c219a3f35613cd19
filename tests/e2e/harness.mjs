// Shared harness of the end-to-end tests: a real redis-server, accounts made with
// `hotline admin`, a real `hotline serve` on a free port, and headless Chromium.
// Every process it starts is stopped by PID (SIGTERM, then SIGKILL after a bounded wait).
//
// Environment:
//   HOTLINE_BIN         the gateway binary (default /work/main/build/test/gateway/hotline)
//   HOTLINE_SOURCE_DIR  the repository root, for web/ and tests/e2e/e2e.toml (default /work/main)
//   REDIS_SERVER        redis-server to run (default: redis-server on PATH)
//   CHROMIUM            browser executable (default /usr/bin/chromium)
//   HOTLINE_E2E_KEEP=1  keep each test's temp dir (logs, config, screenshots) even when it passes
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const HOTLINE_BIN = process.env.HOTLINE_BIN || '/work/main/build/test/gateway/hotline';
export const SOURCE_DIR = process.env.HOTLINE_SOURCE_DIR || '/work/main';
export const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const KEEP = process.env.HOTLINE_E2E_KEEP === '1';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every child still running when node exits is killed, whatever happened to the hooks.
const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch (e) {
      // already gone
    }
  }
});

function tail(text, lines = 40) {
  return String(text || '').split('\n').slice(-lines).join('\n');
}

// ---- processes ----

export class Proc {
  constructor(name, cmd, args, { logFile, env } = {}) {
    this.name = name;
    this.cmd = cmd;
    this.args = args;
    this.output = '';
    this.exited = false;
    this.exitCode = null;
    this.exitSignal = null;
    this.log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.pid = this.child.pid;
    liveChildren.add(this.child);
    this.exitPromise = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.spawnError = err;
        this.append(`[harness] cannot start ${cmd}: ${err.message}\n`);
        this.markExit(null, null);
        resolve();
      });
      this.child.on('exit', (code, signal) => {
        this.markExit(code, signal);
        resolve();
      });
    });
    this.listeners = [];
    const onData = (chunk) => this.append(chunk.toString('utf8'));
    this.child.stdout.on('data', onData);
    this.child.stderr.on('data', onData);
  }

  markExit(code, signal) {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    this.exitSignal = signal;
    liveChildren.delete(this.child);
    for (const l of this.listeners) l();
  }

  append(text) {
    this.output += text;
    if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000);
    if (this.log) this.log.write(text);
    for (const l of this.listeners) l();
  }

  describeExit() {
    if (this.spawnError) return `could not be started (${this.spawnError.message})`;
    return this.exitSignal ? `was killed by ${this.exitSignal}` : `exited with code ${this.exitCode}`;
  }

  // Resolves with the first match of re in the output; fails on exit or after timeoutMs.
  waitForOutput(re, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const done = (fn, v) => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        fn(v);
      };
      const check = () => {
        const m = re.exec(this.output);
        if (m) return done(resolve, m);
        if (this.exited) {
          return done(reject, new Error(`${this.name} ${this.describeExit()} before ${what}; output:\n${tail(this.output)}`));
        }
        return undefined;
      };
      timer = setTimeout(() => done(reject, new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} from ${this.name}; output so far:\n${tail(this.output)}`)), timeoutMs);
      this.listeners.push(check);
      check();
    });
  }

  async waitExit(timeoutMs) {
    if (this.exited) return true;
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const r = await Promise.race([this.exitPromise.then(() => true), timeout]);
    clearTimeout(timer);
    return r;
  }

  // SIGTERM, then SIGKILL after termMs. Returns how it ended.
  async stop(termMs = 10000) {
    if (this.exited) return { name: this.name, how: `had already ${this.describeExit()}` };
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch (e) {
      // raced with its exit
    }
    if (await this.waitExit(termMs)) return { name: this.name, how: `stopped by SIGTERM, ${this.describeExit()}` };
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch (e) {
      // raced with its exit
    }
    await this.waitExit(5000);
    return { name: this.name, how: `did not stop within ${termMs} ms of SIGTERM; SIGKILLed` };
  }
}

// Runs a command to completion with a bounded time; throws with its output on failure.
export async function runToCompletion(name, cmd, args, { timeoutMs = 30000, logFile } = {}) {
  const p = new Proc(name, cmd, args, { logFile });
  const finished = await p.waitExit(timeoutMs);
  if (!finished) {
    await p.stop(2000);
    throw new Error(`${name} did not finish within ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n${tail(p.output)}`);
  }
  if (p.exitCode !== 0) {
    throw new Error(`${name} ${p.describeExit()}: ${cmd} ${args.join(' ')}\n${tail(p.output)}`);
  }
  return p.output;
}

// ---- redis ----

function redisPing(socketPath, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.createConnection(socketPath);
    let buf = '';
    const finish = (ok) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) finish(buf.startsWith('+PONG'));
    });
    sock.on('error', () => finish(false));
  });
}

// ---- config ----

function tomlString(s) {
  return JSON.stringify(String(s)); // a TOML basic string for ordinary paths
}

function tomlValue(v) {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  throw new Error(`unsupported TOML value ${v}`);
}

// Sets key = value in [section] of a flat TOML text, adding the section or the key when absent.
export function setTomlKey(text, section, key, value) {
  const lines = text.split('\n');
  const header = new RegExp(`^\\s*\\[\\s*${section.replace(/\./g, '\\.')}\\s*\\]\\s*(#.*)?$`);
  const anyHeader = /^\s*\[[^\]]+\]\s*(#.*)?$/;
  const keyRe = new RegExp(`^\\s*${key}\\s*=`);
  const line = `${key} = ${tomlValue(value)}`;
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) {
    if (lines.length && lines[lines.length - 1].trim() !== '') lines.push('');
    lines.push(`[${section}]`, line);
    return `${lines.join('\n')}\n`;
  }
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i += 1) {
    if (anyHeader.test(lines[i])) {
      end = i;
      break;
    }
  }
  for (let i = start + 1; i < end; i += 1) {
    if (keyRe.test(lines[i])) {
      lines[i] = line;
      return lines.join('\n');
    }
  }
  lines.splice(start + 1, 0, line);
  return lines.join('\n');
}

// ---- the stack ----

export class Stack {
  constructor(dir, name) {
    this.dir = dir;
    this.name = name;
    this.procs = [];
    this.browsers = [];
    this.failed = false;
    this.baseUrl = '';
    this.stopped = false;
    this.gateways = [];
  }

  file(name) {
    return path.join(this.dir, name);
  }

  // Runs a test body, remembering a failure so that the temp dir is kept for inspection.
  async run(t, body) {
    t.diagnostic(`artifacts: ${this.dir}`);
    try {
      await body();
    } catch (err) {
      this.failed = true;
      const logs = this.procs.map((p) => `--- ${p.name} (pid ${p.pid}) output tail ---\n${tail(p.output, 30)}`).join('\n');
      err.message = `${err.message}\n(artifacts in ${this.dir})\n${logs}`;
      // Stop what the test started now: a sipp or Kamailio left running would keep node from exiting.
      await this.stop();
      throw err;
    }
  }

  async launchBrowser() {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30000,
    });
    this.browsers.push(browser);
    return browser;
  }

  // A fresh browser context (its own cookies and sessionStorage) with a 1280x800 page.
  // Uncaught page errors are collected in `errors`.
  async newPage(browser, label) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(`${label}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      fs.appendFileSync(this.file(`${label}.console.log`), `${msg.text()}\n`);
      // The pages must work under the Content-Security-Policy: anything it blocks is an error.
      if (msg.text().includes('Content Security Policy')) errors.push(`${label}: ${msg.text()}`);
    });
    // Every WebSocket frame, both ways, for reading after a failure.
    const wsLog = this.file(`${label}.ws.log`);
    page.on('websocket', (ws) => {
      const stamp = () => new Date().toISOString().slice(11, 23);
      const path = new URL(ws.url()).pathname;
      fs.appendFileSync(wsLog, `${stamp()} open ${path}\n`);
      ws.on('framesent', (f) => fs.appendFileSync(wsLog, `${stamp()} >> ${f.payload}\n`));
      ws.on('framereceived', (f) => fs.appendFileSync(wsLog, `${stamp()} << ${f.payload}\n`));
      ws.on('close', () => fs.appendFileSync(wsLog, `${stamp()} close ${path}\n`));
    });
    return { context, page, errors };
  }

  async screenshot(page, name) {
    const file = this.file(`${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  // Starts one more `hotline serve` on the same redis and config, with its own data dir and
  // log (serve-<label>.log); returns {baseUrl, proc}. Stopped with the stack.
  async addGateway(label) {
    if (!/^[A-Za-z0-9_-]+$/.test(label)) throw new Error(`bad gateway label ${label}`);
    const dataDir = this.file(`data-${label}`);
    fs.mkdirSync(dataDir);
    const serve = new Proc(`hotline serve ${label}`, HOTLINE_BIN, [
      'serve', '--config', this.configFile, '--port', '0', '--redis', `unix:${this.redisSocket}`, '--data-dir', dataDir,
      // The gateways of one centre share one archive (on one host SQLite can; across hosts PostgreSQL).
      '--archive', `sqlite:${path.join(this.file('data'), 'archive.db')}`,
    ], { logFile: this.file(`serve-${label}.log`) });
    this.procs.push(serve);
    const m = await serve.waitForOutput(/hotline: listening on (http:\/\/[^\s]+)/, 30000,
      `the "hotline: listening on" line of gateway ${label}`);
    const gw = { label, baseUrl: m[1].replace(/\/$/, ''), proc: serve };
    this.gateways.push(gw);
    return gw;
  }

  async stop() {
    if (this.stopped) return [];
    this.stopped = true;
    const report = [];
    for (const b of this.browsers.reverse()) {
      try {
        await Promise.race([b.close(), sleep(10000)]);
      } catch (e) {
        // the browser process is killed with its parent below at worst
      }
    }
    for (const p of [...this.procs].reverse()) report.push(await p.stop());
    fs.writeFileSync(this.file('stop.txt'), `${report.map((r) => `${r.name}: ${r.how}`).join('\n')}\n`);
    const leaks = this.personalDataInGatewayLogs();
    if (leaks.length) this.failed = true;
    if (!this.failed && !KEEP) {
      await fsp.rm(this.dir, { recursive: true, force: true });
    } else {
      process.stderr.write(`[harness] kept ${this.dir}\n`);
    }
    if (leaks.length) throw new Error(`unmasked personal data in the gateway's logs:\n${leaks.join('\n')}`);
    return report;
  }

  // Every line any gateway of this stack logged, scanned for a whole mainland mobile number or
  // resident ID number: the gateway masks them on the way out, whoever logs them.
  personalDataInGatewayLogs() {
    const pattern = /(?<![\d*])(1[3-9]\d{9}|\d{17}[\dXx])(?!\d)/;
    const leaks = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!/^serve.*\.log$/.test(name)) continue;
      for (const line of fs.readFileSync(path.join(this.dir, name), 'utf8').split('\n')) {
        if (pattern.test(line)) leaks.push(`${name}: ${line}`);
      }
    }
    return leaks;
  }
}

// Starts redis-server, creates the accounts, starts `hotline serve`; returns the Stack.
//   accounts: [{username, password, role: 'LAWYER'|'SUPERVISOR'|'ADMIN', name, categories?, languages?, chatCapacity?,
//               backupCategories?}]
//   config:   {section: {key: value}} overrides of tests/e2e/e2e.toml
export async function startStack({ name = 'e2e', accounts = [], config = {}, port = 0 } = {}) {
  if (!fs.existsSync(HOTLINE_BIN)) {
    throw new Error(`the gateway binary ${HOTLINE_BIN} does not exist (set HOTLINE_BIN)`);
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `hotline-${name}-`));
  const stack = new Stack(dir, name);
  try {
    // redis
    const sock = path.join(dir, 'redis.sock');
    const redis = new Proc('redis-server', REDIS_SERVER, [
      '--port', '0', '--unixsocket', sock, '--unixsocketperm', '700',
      '--save', '', '--appendonly', 'no', '--dir', dir,
    ], { logFile: stack.file('redis.log') });
    stack.procs.push(redis);
    const deadline = Date.now() + 10000;
    for (;;) {
      if (redis.exited) throw new Error(`redis-server ${redis.describeExit()}:\n${tail(redis.output)}`);
      if (fs.existsSync(sock) && await redisPing(sock)) break;
      if (Date.now() > deadline) throw new Error(`timed out after 10000 ms waiting for redis-server to answer PING on ${sock}\n${tail(redis.output)}`);
      await sleep(50);
    }
    stack.redisSocket = sock;

    // config
    const base = path.join(SOURCE_DIR, 'tests', 'e2e', 'e2e.toml');
    let toml = fs.readFileSync(base, 'utf8');
    toml = setTomlKey(toml, 'server', 'web_root', path.join(SOURCE_DIR, 'web'));
    for (const [section, keys] of Object.entries(config)) {
      for (const [k, v] of Object.entries(keys)) toml = setTomlKey(toml, section, k, v);
    }
    const configFile = stack.file('hotline.toml');
    fs.writeFileSync(configFile, toml);
    stack.configFile = configFile;
    const dataDir = stack.file('data');
    stack.dataDir = dataDir;
    fs.mkdirSync(dataDir);

    // accounts
    for (const a of accounts) {
      const args = ['admin', '--config', configFile, '--redis', `unix:${sock}`, 'create',
        '--username', a.username, '--password', a.password, '--role', a.role, '--name', a.name];
      if (a.categories) args.push('--categories', a.categories.join(','));
      if (a.languages) args.push('--languages', a.languages.join(','));
      if (a.chatCapacity) args.push('--chat-capacity', String(a.chatCapacity));
      if (a.backupCategories) args.push('--backup-categories', a.backupCategories.join(','));
      await runToCompletion(`hotline admin create ${a.username}`, HOTLINE_BIN, args, { logFile: stack.file('admin.log') });
    }

    // gateway
    const serve = new Proc('hotline serve', HOTLINE_BIN, [
      'serve', '--config', configFile, '--port', String(port), '--redis', `unix:${sock}`, '--data-dir', dataDir,
    ], { logFile: stack.file('serve.log') });
    stack.procs.push(serve);
    const m = await serve.waitForOutput(/hotline: listening on (http:\/\/[^\s]+)/, 30000, 'the "hotline: listening on" line');
    stack.baseUrl = m[1].replace(/\/$/, '');
    return stack;
  } catch (err) {
    stack.failed = true;
    await stack.stop();
    throw err;
  }
}

// ---- waiting, with what was awaited in every failure ----

// Polls fn until it returns a truthy value; throws after timeoutMs naming `what`.
export async function waitFor(what, fn, { timeoutMs = 10000, intervalMs = 100, detail } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      lastErr = null;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) {
      let extra = '';
      if (detail) {
        try {
          extra = `; ${await detail()}`;
        } catch (e) {
          extra = '';
        }
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `; last error: ${lastErr.message}` : ''}${extra}`);
    }
    await sleep(intervalMs);
  }
}

async function pageErrorBanner(page) {
  const texts = await page.locator('[role=alert]:visible').allTextContents().catch(() => []);
  const shown = texts.map((x) => x.trim()).filter(Boolean);
  return shown.length ? `page shows error: ${JSON.stringify(shown)}` : 'page shows no error';
}

// Waits until the first element matching selector has text matching expected (string: contains).
export async function waitForText(page, selector, expected, what, timeoutMs = 10000) {
  let last = null;
  const matches = (t) => (expected instanceof RegExp ? expected.test(t) : t.includes(expected));
  await waitFor(what, async () => {
    const loc = page.locator(selector).first();
    last = (await loc.count()) ? await loc.textContent({ timeout: 1000 }) : null;
    return last !== null && matches(last);
  }, {
    timeoutMs,
    detail: async () => `${selector} text was ${JSON.stringify(last)}, wanted ${expected}; ${await pageErrorBanner(page)}`,
  });
  return last;
}

export async function waitVisible(page, selector, what, timeoutMs = 10000) {
  await waitFor(what, () => page.locator(selector).first().isVisible(), {
    timeoutMs,
    detail: async () => `${selector} is not visible; ${await pageErrorBanner(page)}`,
  });
}

export async function waitHidden(page, selector, what, timeoutMs = 10000) {
  await waitFor(what, async () => !(await page.locator(selector).first().isVisible()), {
    timeoutMs,
    detail: async () => `${selector} is still visible; ${await pageErrorBanner(page)}`,
  });
}

// ---- HTTP ----

export async function http(baseUrl, pathname, { method = 'GET', body, token, timeoutMs = 10000 } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(baseUrl + pathname, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function loginHttp(baseUrl, username, password) {
  const r = await http(baseUrl, '/api/v1/auth/login', { method: 'POST', body: { username, password } });
  if (r.status !== 200 || !r.json || !r.json.token) {
    throw new Error(`POST /api/v1/auth/login as ${username} answered ${r.status}: ${r.text}`);
  }
  return r.json;
}

export async function getSummary(baseUrl, token, params = {}) {
  const q = new URLSearchParams({ format: 'json', ...params });
  const r = await http(baseUrl, `/api/v1/reports/summary?${q}`, { token });
  if (r.status !== 200 || !r.json) {
    throw new Error(`GET /api/v1/reports/summary?${q} answered ${r.status}: ${r.text}`);
  }
  return r.json;
}

// Polls the summary report until pred(report) holds; the failure shows the last report's total.
export async function pollSummary(baseUrl, token, pred, what, { timeoutMs = 20000, params = {} } = {}) {
  let last = null;
  return waitFor(what, async () => {
    last = await getSummary(baseUrl, token, params);
    return pred(last) ? last : null;
  }, {
    timeoutMs,
    intervalMs: 250,
    detail: async () => `last report total: ${JSON.stringify(last && last.total)}`,
  });
}

export const int64 = (v) => (v === undefined || v === null ? undefined : Number(v));

// ---- page steps the tests share ----

// Opens chat.html on baseUrl in a fresh browser context, picks the category and language by
// their labels (and a priority group, if given) and starts; resolves once the caller is in line.
export async function startCallerChat(stack, browser, baseUrl, label,
  { category = '婚姻家庭', language = '普通话', priority } = {}) {
  const c = await stack.newPage(browser, label);
  await c.page.goto(`${baseUrl}/chat.html`);
  await waitFor(`${label}: the category list to load from /api/v1/catalog`,
    async () => (await c.page.locator('#category option').count()) > 1);
  await c.page.selectOption('#category', { label: category });
  await c.page.selectOption('#language', { label: language });
  if (priority) await c.page.selectOption('#priority', { label: priority });
  await c.page.click('#start-btn');
  await waitVisible(c.page, '#queue-panel', `${label}: the queue panel after 开始咨询`);
  return c;
}

// Logs a lawyer into console.html on baseUrl in a fresh browser context; with available
// (the default) sets 在线 and waits for the server to confirm it.
export async function openConsole(stack, browser, baseUrl, account, label, { available = true } = {}) {
  const l = await stack.newPage(browser, label);
  await l.page.goto(`${baseUrl}/console.html`);
  await l.page.fill('#username', account.username);
  await l.page.fill('#password', account.password);
  await l.page.click('#login-btn');
  await waitVisible(l.page, '#agent-section', `${label}: the console to open after login`);
  await waitFor(`${label}: the status buttons to be enabled (the agent socket to open)`,
    () => l.page.isEnabled('#status-available'));
  if (available) await setConsoleAvailable(l, label);
  return l;
}

export async function setConsoleAvailable(l, label) {
  await l.page.click('#status-available');
  await waitForText(l.page, '#agent-status', '在线', `${label}: the status to become 在线 (AVAILABLE)`);
}

// The caller page's saved session (sessionStorage of its origin).
export const CALLER_STORE_KEY = 'hotline.caller.session';
export async function callerSaved(page) {
  return JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k) || 'null', CALLER_STORE_KEY));
}

// ---- generated history ----

// "YYYY-MM-DD" of the day `offsetDays` from today in the centre's time zone (UTC+8, the e2e config's
// utc_offset_minutes = 480), whatever the machine's own zone.
export function centreDay(offsetDays = 0, utcOffsetMinutes = 480) {
  return new Date(Date.now() + utcOffsetMinutes * 60000 + offsetDays * 86400000).toISOString().slice(0, 10);
}

// Runs `hotline simulate` against the stack's config, redis and data dir: books simulated traffic
// for the days from..to through the real queue scripts, then archives it. Resolves with
// {sessions, output}; throws (with the output) unless it exits 0 and prints "simulated N sessions".
//   opts: {from, to, perDay = 40, lawyers = 4, seed = 7, timeoutMs = 120000}
export async function simulate(stack, { from, to, perDay = 40, lawyers = 4, seed = 7, timeoutMs = 120000 } = {}) {
  if (!from || !to) throw new Error('simulate needs from and to (YYYY-MM-DD)');
  const args = ['simulate', '--config', stack.configFile, '--redis', `unix:${stack.redisSocket}`,
    '--data-dir', stack.file('data'), '--from', from, '--to', to,
    '--per-day', String(perDay), '--lawyers', String(lawyers), '--seed', String(seed)];
  const output = await runToCompletion('hotline simulate', HOTLINE_BIN, args, { timeoutMs, logFile: stack.file('simulate.log') });
  const m = /simulated (\d+) sessions/.exec(output);
  if (!m) throw new Error(`hotline simulate printed no "simulated N sessions" line:\n${tail(output)}`);
  return { sessions: Number(m[1]), output };
}
