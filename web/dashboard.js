// The manager's dashboard: today's (or a chosen period's) figures from the summary report,
// refreshed every 5 seconds, a per-category table and a CSV download; and the live queue
// and lawyers (GET /api/v1/queue, every 2 seconds), where a waiting caller can be made urgent.
import {
  AGENT_STATUS_LABELS, OVERFLOW_REASON_LABELS, PRIORITY_LABELS, SESSION_STATE_LABELS,
  api, authStore, banner, el, formatClock, formatCount, formatDuration, formatPercent, loadCatalog, loginForm, nameOf,
  request, show, statusReasonText, statusSetByRouting, toNumber,
} from './common.js';

const $ = (id) => document.getElementById(id);
const auth = authStore('hotline.dashboard.auth');
const REFRESH_MS = 5000;
const QUEUE_REFRESH_MS = 2000;

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
}

function logout(message) {
  clearInterval(S.timer);
  S.timer = null;
  clearInterval(S.queueTimer);
  S.queueTimer = null;
  S.queue = null;
  ui.waitingRows.replaceChildren();
  ui.agentRows.replaceChildren();
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
      el('td', { dataset: { col: 'backup' } }, (a.backupSkills || []).map(skillLabel).join('、') || '—'));
  }));
  ui.agentsCount.textContent = `（${agents.length}）`;
  show(ui.agentsEmpty, agents.length === 0);
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

async function downloadCsv() {
  if (!S.auth) return;
  ui.error.clear();
  ui.csvBtn.disabled = true;
  try {
    const res = await request(reportPath({ format: 'csv', groupBy: 'category' }), { token: S.auth.token });
    const blob = await res.blob();
    const disposition = res.headers.get('Content-Disposition') || '';
    const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    const name = m ? decodeURIComponent(m[1])
      : `12348-summary-${S.range.from || 'today'}-${S.range.to || 'today'}-category.csv`;
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    if (!handleAuthError(err)) ui.error.error(`CSV 下载失败：${err.message}`);
  } finally {
    ui.csvBtn.disabled = false;
  }
}

// ---- start-up ----

function init() {
  ui.logoutBtn.addEventListener('click', () => logout(''));
  ui.csvBtn.addEventListener('click', downloadCsv);
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
