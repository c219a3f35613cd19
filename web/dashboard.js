// The manager's dashboard: the live wallboard (pushed over /ws/wallboard); today's (or a chosen
// period's) figures from the summary report, refreshed every 5 seconds, a per-category table and a
// CSV download; the live queue and lawyers (GET /api/v1/queue, every 2 seconds), where a waiting
// caller can be made urgent; and the history of a period: charts drawn with Chart.js
// (web/vendor/chart.umd.js, the global `Chart`) from the summary report, the staffing advice, the
// summary CSV and the annual disclosure downloads.
import {
  AGENT_STATUS_LABELS, JsonSocket, OVERFLOW_REASON_LABELS, PRIORITY_LABELS, SESSION_STATE_LABELS,
  api, authStore, banner, el, formatClock, formatCount, formatDuration, formatPercent, loadCatalog, loginForm,
  logoutOnServer, nameOf, request, show, staffSocketPath, statusReasonText, statusSetByRouting, toNumber, wsUrl,
} from './common.js';

const $ = (id) => document.getElementById(id);
const auth = authStore('hotline.dashboard.auth');
const REFRESH_MS = 5000;
const QUEUE_REFRESH_MS = 2000;
const HISTORY_DAYS = 30;           // the history's default period: the last 30 days, today included
const WALL_RETRY_AFTER_FAIL_MS = 30000;

// Wallboard.lawyersByStatus keys in display order; BUSY is an AVAILABLE lawyer with sessions.
const WALL_STATUSES = [
  ['AVAILABLE', '空闲'],
  ['BUSY', '接待中'],
  ['AWAY', '离开'],
  ['OFFLINE', '离线'],
];

const WALL_CONN_TEXT = {
  connecting: '正在连接实时数据…',
  open: '实时推送',
  reconnecting: '实时推送中断，正在重新连接…',
  failed: '无法连接实时数据，稍后自动重试',
  closed: '',
};

const CHART_COLORS = {
  bar: 'rgba(11, 92, 173, 0.75)',    // --blue
  line: '#1a7f37',                   // --green
  satisfaction: 'rgba(26, 127, 55, 0.75)',
  category: 'rgba(181, 71, 8, 0.75)', // --amber
};

const DEFINITION_LABELS = {
  offered: '呼入量',
  answered: '接通量',
  abandoned: '放弃量',
  short_abandoned: '短时放弃',
  answer_rate: '接通率',
  answer_rate_excluding_short_abandons: '接通率（不含短时放弃）',
  service_level: '服务水平',
  satisfaction: '满意率',
  rating_rate: '评价率',
  average_speed_of_answer: '平均应答时长',
  average_speed_of_answer_seconds: '平均应答时长',
  average_handle_time: '平均处理时长',
  average_handle_time_seconds: '平均处理时长',
  longest_wait: '最长等待',
  longest_wait_seconds: '最长等待',
  overflowed: '转留言',
  transferred_before_answer: '接通前转接',
  waiting: '排队中',
};

const ui = {
  error: banner($('error')),
  refreshStatus: $('refresh-status'),
  userBox: $('user-box'),
  userName: $('user-name'),
  logoutBtn: $('logout-btn'),
  loginSection: $('login-section'),
  dashSection: $('dashboard-section'),
  periodTitle: $('period-title'),
  rangeForm: $('range-form'),
  from: $('from'),
  to: $('to'),
  todayBtn: $('today-btn'),
  updatedAt: $('updated-at'),
  kpi: {
    offered: $('kpi-offered'),
    answered: $('kpi-answered'),
    abandoned: $('kpi-abandoned'),
    answerRate: $('kpi-answer-rate'),
    satisfaction: $('kpi-satisfaction'),
    waiting: $('kpi-waiting'),
    shortAbandoned: $('kpi-short-abandoned'),
    serviceLevel: $('kpi-service-level'),
    ratingRate: $('kpi-rating-rate'),
    asa: $('kpi-asa'),
  },
  csvBtn: $('csv-download'),
  categoryRows: $('category-rows'),
  categoryEmpty: $('category-empty'),
  definitionList: $('definition-list'),
  reportNotes: $('report-notes'),
  queueUpdated: $('queue-updated'),
  queueError: banner($('queue-error')),
  waitingCount: $('waiting-count'),
  waitingRows: $('waiting-rows'),
  waitingEmpty: $('waiting-empty'),
  agentsCount: $('agents-count'),
  agentRows: $('agent-rows'),
  agentsEmpty: $('agents-empty'),
  listenStatus: $('listen-status'),
  wall: {
    section: $('wallboard'),
    status: $('wall-status'),
    error: banner($('wall-error')),
    waiting: $('wall-waiting'),
    longest: $('wall-longest'),
    lawyers: $('wall-lawyers'),
    answerRate: $('wall-answer-rate'),
    answered: $('wall-answered'),
    serviceLevel: $('wall-service-level'),
    serviceNote: $('wall-service-note'),
    updated: $('wall-updated'),
  },
  hist: {
    section: $('history'),
    status: $('history-status'),
    error: banner($('history-error')),
    form: $('history-form'),
    from: $('hist-from'),
    to: $('hist-to'),
    last30: $('hist-last30'),
    csvForm: $('csv-form'),
    csvGroup: $('csv-group'),
    csvBtn: $('summary-csv'),
    canvas: {
      daily: $('chart-daily'),
      monthly: $('chart-monthly'),
      hourly: $('chart-hourly'),
      category: $('chart-category'),
    },
  },
  staffing: {
    period: $('staffing-period'),
    advice: $('staffing-advice'),
    targets: $('staffing-targets'),
    rows: $('staffing-rows'),
  },
  disclosure: {
    form: $('disclosure-form'),
    year: $('disclosure-year'),
    buttons: [$('disclosure-md'), $('disclosure-html'), $('disclosure-json')],
  },
};

const S = {
  auth: null,
  catalog: { categories: [], languages: [] },
  timer: null,
  inFlight: false,
  range: { from: '', to: '' },
  queueTimer: null,
  queueInFlight: false,
  queue: null,              // the last QueueSnapshot
  clockOffsetMs: 0,         // server clock (takenAtMs) minus this page's clock
  urgentBusy: new Set(),    // sessionIds whose 设为紧急 is in flight
  wallSocket: null,         // the JsonSocket of /ws/wallboard
  wallRetry: null,          // the timer of a fresh connect after the socket gave up
  board: null,              // the last Wallboard pushed
  boardReceivedMs: 0,       // this page's clock when it arrived
  wallFrames: 0,            // wallboard frames received since login
  hist: { from: '', to: '' },
  histSeq: 0,               // the latest history load; older answers are dropped
  charts: {},               // Chart.js instances by name
};

// ---- login ----

const loginUi = loginForm({
  store: auth,
  toAuth: (res, username) => {
    if (res.role !== 'SUPERVISOR' && res.role !== 'ADMIN') return '数据看板仅限主管或管理员账号使用。';
    return {
      token: res.token, role: res.role, displayName: res.displayName || username, expiresAtMs: res.expiresAtMs || '0',
    };
  },
  onLogin: (record) => {
    S.auth = record;
    enterDashboard();
  },
});

function enterDashboard() {
  show(ui.loginSection, false);
  show(ui.dashSection, true);
  show(ui.userBox, true);
  ui.userName.textContent = S.auth.displayName;
  refresh();
  clearInterval(S.timer);
  S.timer = setInterval(refresh, REFRESH_MS);
  refreshQueue();
  clearInterval(S.queueTimer);
  S.queueTimer = setInterval(refreshQueue, QUEUE_REFRESH_MS);
  connectWallboard();
  if (!S.hist.from || !S.hist.to) setLast30Days();
  loadHistory();
}

function logout(message) {
  if (S.auth) logoutOnServer(S.auth.token);
  clearInterval(S.timer);
  S.timer = null;
  clearInterval(S.queueTimer);
  S.queueTimer = null;
  S.queue = null;
  ui.waitingRows.replaceChildren();
  ui.agentRows.replaceChildren();
  closeWallboard();
  S.histSeq += 1;
  S.auth = null;
  show(ui.dashSection, false);
  show(ui.userBox, false);
  ui.refreshStatus.textContent = '';
  loginUi.signOut(message);
}

// ---- reports ----

function reportPath(params) {
  const q = new URLSearchParams();
  if (S.range.from) q.set('from', S.range.from);
  if (S.range.to) q.set('to', S.range.to);
  for (const [k, v] of Object.entries(params)) q.set(k, v);
  return `/api/v1/reports/summary?${q.toString()}`;
}

function handleAuthError(err) {
  if (err.code === 'NOT_AUTHENTICATED' || err.status === 401) {
    logout(`登录已失效：${err.message}`);
    return true;
  }
  if (err.code === 'FORBIDDEN' || err.status === 403) {
    logout(`无权查看报表：${err.message}`);
    return true;
  }
  return false;
}

async function refresh() {
  if (!S.auth || S.inFlight) return;
  S.inFlight = true;
  const token = S.auth.token;
  try {
    const [summary, byCategory] = await Promise.all([
      api(reportPath({ format: 'json' }), { token }),
      api(reportPath({ format: 'json', groupBy: 'category' }), { token }),
    ]);
    if (!S.auth) return;
    renderSummary(summary);
    renderCategories(byCategory);
    ui.error.clear();
    ui.refreshStatus.textContent = '每 5 秒自动刷新';
    ui.updatedAt.textContent = `统计期间 ${summary.from || '—'} 至 ${summary.to || '—'}（时区 ${summary.timezone || '+08:00'}），更新于 ${formatClock(Date.now())}`;
  } catch (err) {
    if (handleAuthError(err)) return;
    ui.error.error(`报表加载失败：${err.message}`);
    ui.refreshStatus.textContent = '刷新失败，数据可能不是最新';
  } finally {
    S.inFlight = false;
  }
}

function renderSummary(r) {
  const t = r.total || {};
  ui.kpi.offered.textContent = formatCount(t.offered);
  ui.kpi.answered.textContent = formatCount(t.answered);
  ui.kpi.abandoned.textContent = formatCount(t.abandoned);
  ui.kpi.answerRate.textContent = formatPercent(t.answerRate);
  ui.kpi.satisfaction.textContent = formatPercent(t.satisfaction);
  ui.kpi.waiting.textContent = formatCount(t.waiting);
  ui.kpi.shortAbandoned.textContent = formatCount(t.shortAbandoned);
  ui.kpi.serviceLevel.textContent = formatPercent(t.serviceLevel);
  ui.kpi.ratingRate.textContent = formatPercent(t.ratingRate);
  ui.kpi.asa.textContent = t.averageSpeedOfAnswerSeconds === undefined
    ? '—' : `${Number(t.averageSpeedOfAnswerSeconds).toFixed(1)} 秒`;

  const today = !S.range.from && !S.range.to;
  ui.periodTitle.textContent = today ? '今日服务概况' : `${r.from || S.range.from} 至 ${r.to || S.range.to} 服务概况`;

  const defs = Array.isArray(r.definitions) ? r.definitions : [];
  ui.definitionList.replaceChildren(...defs.flatMap((d) => [
    el('dt', {}, DEFINITION_LABELS[d.name] ? `${DEFINITION_LABELS[d.name]}（${d.name}）` : d.name),
    el('dd', {}, d.definition || ''),
  ]));
  const notes = [];
  if (r.serviceLevelSeconds) notes.push(`服务水平以 ${r.serviceLevelSeconds} 秒内接通计算`);
  if (r.shortAbandonSeconds) notes.push(`等待不足 ${r.shortAbandonSeconds} 秒即放弃的计为短时放弃`);
  notes.push('比率在分母为零时显示为“—”');
  ui.reportNotes.textContent = `${notes.join('；')}。`;
}

function renderCategories(r) {
  const rows = Array.isArray(r.rows) ? r.rows : [];
  ui.categoryRows.replaceChildren(...rows.map((row) => el('tr', { dataset: { key: row.key, testid: 'category-row' } },
    el('th', { scope: 'row' }, nameOf(S.catalog.categories, row.key)),
    el('td', { class: 'num', dataset: { col: 'offered' } }, formatCount(row.offered)),
    el('td', { class: 'num', dataset: { col: 'answered' } }, formatCount(row.answered)),
    el('td', { class: 'num', dataset: { col: 'abandoned' } }, formatCount(row.abandoned)),
    el('td', { class: 'num', dataset: { col: 'answerRate' } }, formatPercent(row.answerRate)),
    el('td', { class: 'num', dataset: { col: 'satisfaction' } }, formatPercent(row.satisfaction)))));
  if (rows.length && r.total) {
    const t = r.total;
    ui.categoryRows.append(el('tr', { class: 'total', dataset: { key: 'total', testid: 'category-total' } },
      el('th', { scope: 'row' }, '合计'),
      el('td', { class: 'num' }, formatCount(t.offered)),
      el('td', { class: 'num' }, formatCount(t.answered)),
      el('td', { class: 'num' }, formatCount(t.abandoned)),
      el('td', { class: 'num' }, formatPercent(t.answerRate)),
      el('td', { class: 'num' }, formatPercent(t.satisfaction))));
  }
  show(ui.categoryEmpty, rows.length === 0);
}

// ---- the live queue ----

async function refreshQueue() {
  if (!S.auth || S.queueInFlight) return;
  S.queueInFlight = true;
  try {
    const snap = await api('/api/v1/queue', { token: S.auth.token });
    if (!S.auth) return;
    S.queue = snap;
    const taken = toNumber(snap.takenAtMs);
    S.clockOffsetMs = taken ? taken - Date.now() : 0;
    renderQueue();
    ui.queueError.clear();
    ui.queueUpdated.textContent = `每 2 秒自动刷新，更新于 ${formatClock(taken || Date.now())}`;
  } catch (err) {
    if (handleAuthError(err)) return;
    ui.queueError.error(`排队数据加载失败：${err.message}`);
    ui.queueUpdated.textContent = '刷新失败，数据可能不是最新';
  } finally {
    S.queueInFlight = false;
  }
}

function skillLabel(skill) {
  const [cat, lang] = String(skill).split(':');
  return lang ? `${nameOf(S.catalog.categories, cat)}（${nameOf(S.catalog.languages, lang)}）` : nameOf(S.catalog.categories, cat);
}

function waitedText(s) {
  const since = toNumber(s.enqueuedAtMs);
  if (!since) return '—';
  return formatDuration((Date.now() + S.clockOffsetMs - since) / 1000);
}

function renderQueue() {
  const q = S.queue || {};
  const waiting = Array.isArray(q.waiting) ? q.waiting : [];
  const agents = Array.isArray(q.agents) ? q.agents : [];

  ui.waitingRows.replaceChildren(...waiting.map((s) => {
    const priority = s.priority || 'PRIORITY_UNSPECIFIED';
    const urgent = priority === 'URGENT';
    const busy = S.urgentBusy.has(s.sessionId);
    const button = el('button', {
      type: 'button', class: 'secondary small', disabled: urgent || busy, dataset: { testid: 'make-urgent' },
      onclick: () => makeUrgent(s.sessionId),
    }, urgent ? '已设为紧急' : busy ? '正在设置…' : '设为紧急');
    const state = [SESSION_STATE_LABELS[s.state] || s.state || ''];
    if (s.overflowReason) state.push(`（${OVERFLOW_REASON_LABELS[s.overflowReason] || s.overflowReason}，可留言）`);
    return el('tr', { dataset: { sessionId: s.sessionId, priority, state: s.state || '', testid: 'waiting-row' } },
      el('td', { dataset: { col: 'category' } }, nameOf(S.catalog.categories, s.category)),
      el('td', { dataset: { col: 'language' } }, nameOf(S.catalog.languages, s.language)),
      el('td', { dataset: { col: 'priority' }, class: urgent ? 'urgent' : '' },
        priority === 'PRIORITY_UNSPECIFIED' ? '—' : (PRIORITY_LABELS[priority] || priority)),
      el('td', { class: 'num', dataset: { col: 'position' } }, toNumber(s.position) > 0 ? String(toNumber(s.position)) : '—'),
      el('td', { class: 'num', dataset: { col: 'waited', enqueuedAtMs: String(s.enqueuedAtMs || '') } }, waitedText(s)),
      el('td', { dataset: { col: 'state' } }, state.join('')),
      el('td', {}, button));
  }));
  ui.waitingCount.textContent = `（${waiting.length}）`;
  show(ui.waitingEmpty, waiting.length === 0);

  ui.agentRows.replaceChildren(...agents.map((a) => {
    const status = a.status || 'AGENT_STATUS_UNSPECIFIED';
    const notes = [];
    if (statusSetByRouting(a.statusReason)) notes.push(statusReasonText(a.statusReason));
    if (a.offer && a.offer.offerId) notes.push(`振铃中：${nameOf(S.catalog.categories, a.offer.category)}`);
    return el('tr', { dataset: { agentId: a.agentId, status, testid: 'agent-row' } },
      el('th', { scope: 'row', dataset: { col: 'name' } }, a.displayName || a.agentId || '—'),
      el('td', { dataset: { col: 'status' }, class: `status-${status}` }, AGENT_STATUS_LABELS[status] || status),
      el('td', { dataset: { col: 'reason' } }, notes.join('；') || '—'),
      el('td', { class: 'num', dataset: { col: 'load' } }, `${toNumber(a.activeSessions)} / ${toNumber(a.chatCapacity)}`),
      el('td', { class: 'num', dataset: { col: 'today' } }, String(toNumber(a.sessionsToday))),
      el('td', { dataset: { col: 'skills' } }, (a.skills || []).map(skillLabel).join('、') || '—'),
      el('td', { dataset: { col: 'backup' } }, (a.backupSkills || []).map(skillLabel).join('、') || '—'),
      el('td', {}, listenButton(a)));
  }));
  ui.agentsCount.textContent = `（${agents.length}）`;
  show(ui.agentsEmpty, agents.length === 0);
}

// ---- live listening to a call (质检): /ws/listen pushes both sides' A-law packets ----

function alawToFloat(a) {
  a ^= 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8; else t = (t + 0x108) << (seg - 1);
  return ((a & 0x80) ? t : -t) / 32768;
}

function listenButton(a) {
  const call = (a.sessions || []).find((s) => s.channel === 'PHONE' && s.state === 'CONNECTED');
  if (!call) return '—';
  const active = S.listen && S.listen.sessionId === call.sessionId;
  return el('button', {
    type: 'button', class: 'secondary small', dataset: { testid: 'listen', sessionId: call.sessionId },
    onclick: () => (active ? stopListening() : startListening(call.sessionId, a.displayName || a.agentId)),
  }, active ? '停止监听' : '监听');
}

function stopListening() {
  if (!S.listen) return;
  if (S.listen.socket) S.listen.socket.close();
  if (S.listen.audio) S.listen.audio.close();
  S.listen = null;
  show(ui.listenStatus, false);
  renderQueue();
}

async function startListening(sessionId, lawyerName) {
  stopListening();
  const listen = { sessionId, socket: null, packets: 0, audio: null, playhead: [0, 0] };
  S.listen = listen;
  try {
    // Made in the click that asked for it: browsers start audio only from a user gesture.
    listen.audio = new AudioContext({ sampleRate: 8000 });
  } catch (e) {
    listen.audio = null;  // no sound device: the packets are still counted
  }
  const status = (text) => {
    ui.listenStatus.textContent = text;
    ui.listenStatus.dataset.packets = String(listen.packets);
    show(ui.listenStatus, true);
  };
  status(`正在接入 ${lawyerName} 的通话…`);
  let path;
  try {
    path = await staffSocketPath(`/ws/listen?session=${encodeURIComponent(sessionId)}`, S.auth.token)();
  } catch (err) {
    if (S.listen === listen && !handleAuthError(err)) status(`无法监听：${err.message}`);
    return;
  }
  if (S.listen !== listen) return;  // stopped while the pass was on its way
  const socket = new WebSocket(wsUrl(path));
  listen.socket = socket;
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.error) {
      status(`无法监听：${frame.error.message}`);
      return;
    }
    if (frame.started) status(`监听中：${lawyerName} 的通话`);
    if (!frame.audio) return;
    listen.packets += 1;
    if (listen.packets % 25 === 0) status(`监听中：${lawyerName} 的通话（已收到 ${listen.packets} 个语音包）`);
    if (!listen.audio) return;
    const bytes = Uint8Array.from(atob(frame.audio.alaw || ''), (c) => c.charCodeAt(0));
    const buffer = listen.audio.createBuffer(1, bytes.length, 8000);
    const samples = buffer.getChannelData(0);
    for (let i = 0; i < bytes.length; i++) samples[i] = alawToFloat(bytes[i]);
    const source = listen.audio.createBufferSource();
    source.buffer = buffer;
    source.connect(listen.audio.destination);
    const side = frame.audio.side === 1 ? 1 : 0;
    const at = Math.max(listen.audio.currentTime + 0.1, listen.playhead[side]);
    source.start(at);
    listen.playhead[side] = at + buffer.duration;
  };
  socket.onclose = () => {
    if (S.listen === listen) status(`监听已结束（共 ${listen.packets} 个语音包）`);
  };
  renderQueue();
}

// The waited times tick between two snapshots.
function tickQueue() {
  for (const td of ui.waitingRows.querySelectorAll('td[data-col=waited]')) {
    td.textContent = waitedText({ enqueuedAtMs: td.dataset.enqueuedAtMs });
  }
}

async function makeUrgent(sessionId) {
  if (!S.auth || !sessionId || S.urgentBusy.has(sessionId)) return;
  S.urgentBusy.add(sessionId);
  ui.queueError.clear();
  renderQueue();
  try {
    const s = await api(`/api/v1/sessions/${encodeURIComponent(sessionId)}/urgent`, { method: 'POST', token: S.auth.token });
    // show the answer at once; the next snapshot has the new order
    if (S.queue && Array.isArray(S.queue.waiting)) {
      S.queue.waiting = S.queue.waiting.map((w) => (w.sessionId === sessionId ? { ...w, ...s } : w));
    }
  } catch (err) {
    if (handleAuthError(err)) return;
    ui.queueError.error(`设为紧急失败：${err.message}`);
  } finally {
    S.urgentBusy.delete(sessionId);
    if (S.auth) {
      renderQueue();
      refreshQueue();
    }
  }
}

// Fetches path with the bearer token (never in the URL) and saves the answer as a file, named as
// the server's Content-Disposition says or else fallbackName. Errors go to errorBanner.
async function downloadWithToken(path, fallbackName, { button, errorBanner, what }) {
  if (!S.auth) return;
  errorBanner.clear();
  if (button) button.disabled = true;
  try {
    const res = await request(path, { token: S.auth.token });
    const blob = await res.blob();
    const disposition = res.headers.get('Content-Disposition') || '';
    const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    const name = m ? decodeURIComponent(m[1]) : fallbackName;
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    if (!handleAuthError(err)) errorBanner.error(`${what}下载失败：${err.message}`);
  } finally {
    if (button) button.disabled = false;
  }
}

function downloadCsv() {
  return downloadWithToken(reportPath({ format: 'csv', groupBy: 'category' }),
    `12348-summary-${S.range.from || 'today'}-${S.range.to || 'today'}-category.csv`,
    { button: ui.csvBtn, errorBanner: ui.error, what: 'CSV ' });
}

// ---- the wallboard: pushed over /ws/wallboard on every change, never polled ----

function connectWallboard() {
  closeWallboard();
  if (!S.auth) return;
  S.wallFrames = 0;
  // A browser cannot set headers on a WebSocket: each connect takes a single-use pass instead.
  const sock = new JsonSocket(staffSocketPath('/ws/wallboard', S.auth.token), {
    onAuthError: (err) => handleAuthError(err),
    onFrame: (frame) => {
      if (sock === S.wallSocket) onWallboardFrame(frame);
    },
    onStatus: (status) => {
      if (sock !== S.wallSocket) return;
      ui.wall.status.textContent = WALL_CONN_TEXT[status] ?? '';
      ui.wall.status.dataset.status = status;
      ui.wall.section.dataset.conn = status;
      // JsonSocket backs off up to 10 s and gives up after 8 attempts; keep trying, slowly.
      if (status === 'failed') {
        clearTimeout(S.wallRetry);
        S.wallRetry = setTimeout(connectWallboard, WALL_RETRY_AFTER_FAIL_MS);
      }
    },
  });
  S.wallSocket = sock;
  sock.connect();
}

function closeWallboard() {
  clearTimeout(S.wallRetry);
  S.wallRetry = null;
  const sock = S.wallSocket;
  S.wallSocket = null;
  if (sock) sock.close();
  S.board = null;
}

function onWallboardFrame(frame) {
  if (frame.error) {
    const { code, message } = frame.error;
    // The server closes after a refused token; reconnecting would only be refused again.
    if (handleAuthError({ code, message: message || code })) return;
    ui.wall.error.error(`实时数据出错：${message || code}`);
    return;
  }
  if (!frame.wallboard) return;
  S.board = frame.wallboard;
  S.boardReceivedMs = Date.now();
  S.wallFrames += 1;
  ui.wall.section.dataset.frames = String(S.wallFrames);
  ui.wall.error.clear();
  renderWallboard();
}

// The longest wait as of now: the pushed value (as of the board's atMs) ticks on by the time since
// the frame arrived, which keeps a skewed browser clock out of it. Pushes come only when something
// on the board changes, so between them the page counts.
function longestWaitNow(board) {
  if (!toNumber(board.waiting)) return null;
  return toNumber(board.longestWaitSeconds) + Math.max(0, Date.now() - S.boardReceivedMs) / 1000;
}

function renderWallboard() {
  const b = S.board;
  if (!b) return;
  const waiting = toNumber(b.waiting);
  ui.wall.waiting.textContent = String(waiting);
  ui.wall.waiting.dataset.value = String(waiting);
  tickWallboard();

  const byStatus = b.lawyersByStatus || {};
  const known = WALL_STATUSES.map(([k]) => k);
  const extra = Object.keys(byStatus).filter((k) => !known.includes(k)).map((k) => [k, AGENT_STATUS_LABELS[k] || k]);
  ui.wall.lawyers.replaceChildren(...[...WALL_STATUSES, ...extra].map(([status, label]) => el('li',
    { dataset: { status, testid: 'wall-lawyer-status' } },
    el('span', {}, label), el('strong', {}, String(toNumber(byStatus[status]))))));

  const t = b.today || {};
  ui.wall.answerRate.textContent = formatPercent(t.answerRate);
  ui.wall.answered.textContent = `今日呼入 ${formatCount(t.offered ?? 0)} · 接通 ${formatCount(t.answered ?? 0)}`;
  ui.wall.serviceLevel.textContent = formatPercent(t.serviceLevel);
  ui.wall.serviceNote.textContent = `${formatCount(t.answeredWithinServiceLevel ?? 0)} 人次及时接通`;
  ui.wall.updated.textContent = `数据时间 ${formatClock(b.atMs)}（有变化时由服务器推送）`;
}

function tickWallboard() {
  if (!S.board) return;
  const longest = longestWaitNow(S.board);
  ui.wall.longest.textContent = longest === null ? '—' : formatDuration(longest);
}

// ---- history: charts, staffing advice, downloads ----

function localDay(date) {
  const pad = (x) => String(x).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function setLast30Days() {
  const to = new Date();
  const from = new Date(to.getFullYear(), to.getMonth(), to.getDate() - (HISTORY_DAYS - 1));
  ui.hist.from.value = localDay(from);
  ui.hist.to.value = localDay(to);
  S.hist = { from: ui.hist.from.value, to: ui.hist.to.value };
}

function histQuery(params) {
  return new URLSearchParams({ from: S.hist.from, to: S.hist.to, ...params }).toString();
}

const summaryOf = (groupBy) => `/api/v1/reports/summary?${histQuery({ groupBy, format: 'json' })}`;

// A rate (0..1, absent when its base is zero) as a percentage for a chart; null leaves a gap.
const percentOrNull = (v) => (v === undefined || v === null ? null : Number(v) * 100);
const rowsOf = (r) => (Array.isArray(r.rows) ? r.rows : []);

function percentTooltip(ctx) {
  const v = ctx.raw;
  return `${ctx.dataset.label}：${v === null || v === undefined ? '—（无分母）' : `${v.toFixed(1)}%`}`;
}

function drawChart(name, config) {
  if (S.charts[name]) S.charts[name].destroy();
  S.charts[name] = new window.Chart(ui.hist.canvas[name], config);
  ui.hist.canvas[name].dataset.drawn = `${S.hist.from}..${S.hist.to}`;
}

function baseOptions() {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom' } },
  };
}

function drawDaily(report) {
  const rows = rowsOf(report);
  drawChart('daily', {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.key),
      datasets: [
        {
          type: 'bar', label: '呼入量', data: rows.map((r) => toNumber(r.offered)),
          backgroundColor: CHART_COLORS.bar, yAxisID: 'y', order: 2,
        },
        {
          type: 'line', label: '接通率', data: rows.map((r) => percentOrNull(r.answerRate)),
          borderColor: CHART_COLORS.line, backgroundColor: CHART_COLORS.line, yAxisID: 'rate', order: 1,
          tension: 0.2, pointRadius: 3, spanGaps: false,
        },
      ],
    },
    options: {
      ...baseOptions(),
      scales: {
        x: { ticks: { callback(value) { return String(this.getLabelForValue(value)).slice(5); } } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: '呼入量（人次）' } },
        rate: {
          position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false },
          ticks: { callback: (v) => `${v}%` }, title: { display: true, text: '接通率' },
        },
      },
      plugins: {
        legend: { position: 'bottom', reverse: true }, // the line is drawn over the bars (order 1) but listed second
        tooltip: {
          reverse: true,
          callbacks: {
            label: (ctx) => (ctx.dataset.yAxisID === 'rate' ? percentTooltip(ctx)
              : `${ctx.dataset.label}：${formatCount(ctx.parsed.y)} 人次`),
          },
        },
      },
    },
  });
}

function monthLabel(key) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(key));
  return m ? `${m[1]}年${Number(m[2])}月` : String(key);
}

function drawMonthly(report) {
  const rows = rowsOf(report);
  drawChart('monthly', {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.key),
      datasets: [{
        label: '满意率', data: rows.map((r) => percentOrNull(r.satisfaction)),
        backgroundColor: CHART_COLORS.satisfaction, maxBarThickness: 80,
      }],
    },
    options: {
      ...baseOptions(),
      scales: {
        x: { ticks: { callback(value) { return monthLabel(this.getLabelForValue(value)); } } },
        y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => monthLabel(items[0].label),
            label: percentTooltip,
            afterLabel: (ctx) => `参与评价 ${formatCount(rows[ctx.dataIndex].rated)} 人次`,
          },
        },
      },
    },
  });
}

function drawHourly(report) {
  const rows = rowsOf(report);
  drawChart('hourly', {
    type: 'bar',
    data: {
      labels: rows.map((r) => `${r.key}:00`),
      datasets: [{ label: '呼入量', data: rows.map((r) => toNumber(r.offered)), backgroundColor: CHART_COLORS.bar }],
    },
    options: {
      ...baseOptions(),
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: '人次（期间合计）' } } },
      plugins: { legend: { display: false } },
    },
  });
}

function drawCategories(report) {
  // Largest first; the labels are the catalog's names.
  const rows = [...rowsOf(report)].sort((a, b) => toNumber(b.offered) - toNumber(a.offered));
  drawChart('category', {
    type: 'bar',
    data: {
      labels: rows.map((r) => nameOf(S.catalog.categories, r.key)),
      datasets: [{ label: '呼入量', data: rows.map((r) => toNumber(r.offered)), backgroundColor: CHART_COLORS.category }],
    },
    options: {
      ...baseOptions(),
      indexAxis: 'y',
      interaction: { mode: 'index', axis: 'y', intersect: false },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  });
  ui.hist.canvas.category.dataset.keys = rows.map((r) => r.key).join(',');
}

const pad2 = (n) => String(n).padStart(2, '0');

function renderStaffing(r) {
  const hours = Array.isArray(r.hours) ? r.hours : [];
  ui.staffing.period.textContent = `按 ${r.from || S.hist.from} 至 ${r.to || S.hist.to} 的来电测算`;
  ui.staffing.advice.textContent = r.advice || '';
  const targets = [];
  if (r.targetAnswerRate !== undefined) targets.push(`接通率 ${formatPercent(r.targetAnswerRate)}`);
  if (r.targetServiceLevel !== undefined) {
    targets.push(`${r.serviceLevelSeconds || '—'} 秒内接通 ${formatPercent(r.targetServiceLevel)}`);
  }
  ui.staffing.targets.textContent = targets.length
    ? `目标：${targets.join('、')}。Erlang C 不计放弃，Erlang A 按实测的等待耐心计算；平均在岗为期间内该时段签入律师的日均人数。` : '';
  ui.staffing.rows.replaceChildren(...hours.map((h) => {
    const hour = toNumber(h.hour);
    const shortfall = toNumber(h.shortfall);
    return el('tr', { dataset: { hour: String(hour), testid: 'staffing-row' } },
      el('th', { scope: 'row', dataset: { col: 'hour' } }, `${pad2(hour)}:00–${pad2(hour + 1)}:00`),
      el('td', { class: 'num', dataset: { col: 'arrivals' } }, toNumber(h.arrivalsPerHour).toFixed(2)),
      el('td', { class: 'num', dataset: { col: 'handle' } },
        h.averageHandleSeconds === undefined ? '—' : formatDuration(toNumber(h.averageHandleSeconds))),
      el('td', { class: 'num', dataset: { col: 'erlangC' } }, String(toNumber(h.neededErlangC))),
      el('td', { class: 'num', dataset: { col: 'erlangA' } }, String(toNumber(h.neededErlangA))),
      el('td', { class: 'num', dataset: { col: 'onDuty' } }, toNumber(h.onDuty).toFixed(1)),
      el('td', { class: shortfall > 0 ? 'num shortfall' : 'num', dataset: { col: 'shortfall' } }, String(shortfall)));
  }));
}

async function loadHistory() {
  if (!S.auth || !S.hist.from || !S.hist.to) return;
  S.histSeq += 1;
  const seq = S.histSeq;
  const token = S.auth.token;
  ui.hist.error.clear();
  ui.hist.section.dataset.state = 'loading';
  ui.hist.status.textContent = '正在加载…';
  try {
    const [daily, monthly, hourly, byCategory, staffing] = await Promise.all([
      api(summaryOf('day'), { token }),
      api(summaryOf('month'), { token }),
      api(summaryOf('hour'), { token }),
      api(summaryOf('category'), { token }),
      api(`/api/v1/reports/staffing?${histQuery({})}`, { token }),
      loadCatalog().then((c) => { S.catalog = c; }).catch(() => {}), // the codes stand in for names
    ]);
    if (seq !== S.histSeq || !S.auth) return;
    renderStaffing(staffing);
    if (typeof window.Chart !== 'function') {
      throw new Error('图表组件（vendor/chart.umd.js）未能加载');
    }
    drawDaily(daily);
    drawMonthly(monthly);
    drawHourly(hourly);
    drawCategories(byCategory);
    const total = daily.total || {};
    ui.hist.status.textContent = `${daily.from || S.hist.from} 至 ${daily.to || S.hist.to}：呼入 ${formatCount(total.offered)}，`
      + `接通率 ${formatPercent(total.answerRate)}，满意率 ${formatPercent(total.satisfaction)}`;
    ui.hist.section.dataset.loaded = `${S.hist.from}..${S.hist.to}`;
    ui.hist.section.dataset.state = 'ready';
  } catch (err) {
    if (seq !== S.histSeq) return;
    ui.hist.section.dataset.state = 'error';
    if (handleAuthError(err)) return;
    ui.hist.error.error(`历史报表加载失败：${err.message}`);
    ui.hist.status.textContent = '';
  }
}

function downloadSummaryCsv() {
  const groupBy = ui.hist.csvGroup.value || 'day';
  return downloadWithToken(`/api/v1/reports/summary?${histQuery({ groupBy, format: 'csv' })}`,
    `summary-${S.hist.from}-${S.hist.to}.csv`,
    { button: ui.hist.csvBtn, errorBanner: ui.hist.error, what: 'CSV ' });
}

function downloadDisclosure(button) {
  const format = button.dataset.format;
  const year = String(ui.disclosure.year.value || '').trim();
  if (!/^\d{4}$/.test(year)) {
    ui.hist.error.error('请填写四位数的年度，例如 2026。');
    return undefined;
  }
  const ext = { md: 'md', html: 'html', json: 'json' }[format];
  return downloadWithToken(`/api/v1/reports/disclosure?${new URLSearchParams({ year, format })}`,
    `disclosure-${year}.${ext}`, { button, errorBanner: ui.hist.error, what: '年度信息公开' });
}

// ---- start-up ----

function init() {
  ui.logoutBtn.addEventListener('click', () => logout(''));
  ui.csvBtn.addEventListener('click', downloadCsv);
  if (window.Chart) {
    window.Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
    window.Chart.defaults.color = '#1d2733';
  }
  setLast30Days();
  ui.disclosure.year.value = String(new Date().getFullYear());
  ui.hist.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = ui.hist.from.value;
    const to = ui.hist.to.value;
    if (!from || !to) {
      ui.hist.error.error('请选择开始和结束日期。');
      return;
    }
    if (from > to) {
      ui.hist.error.error('开始日期不能晚于结束日期。');
      return;
    }
    S.hist = { from, to };
    loadHistory();
  });
  ui.hist.last30.addEventListener('click', () => {
    setLast30Days();
    loadHistory();
  });
  ui.hist.csvForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    downloadSummaryCsv();
  });
  ui.disclosure.form.addEventListener('submit', (ev) => ev.preventDefault());
  for (const b of ui.disclosure.buttons) b.addEventListener('click', () => downloadDisclosure(b));
  ui.rangeForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (ui.from.value && ui.to.value && ui.from.value > ui.to.value) {
      ui.error.error('开始日期不能晚于结束日期。');
      return;
    }
    S.range = { from: ui.from.value, to: ui.to.value };
    refresh();
  });
  ui.todayBtn.addEventListener('click', () => {
    ui.from.value = '';
    ui.to.value = '';
    S.range = { from: '', to: '' };
    refresh();
  });
  setInterval(tickQueue, 1000);
  setInterval(tickWallboard, 1000);
  loadCatalog().then((c) => {
    S.catalog = c;
    if (S.auth) {
      refresh();
      renderQueue();
    }
  }).catch((err) => ui.error.error(`无法加载咨询类别：${err.message}`));

  S.auth = loginUi.restore();
  if (S.auth) enterDashboard();
}

init();
