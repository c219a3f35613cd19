// The duty lawyer's console: log in, set presence, take offered chats, chat in several
// sessions at once, and fill each session's work order (工单) after it ends.
// Driven by /ws/agent?token=…; the agentState frame carries the whole state.
import {
  errorText,
  AGENT_STATUS_LABELS, CHANNEL_LABELS, JsonSocket, OUTCOME_OPTIONS, PRIORITY_LABELS,
  SESSION_STATE_LABELS, WORK_ORDER_TYPE_OPTIONS, authStore, banner, compareMessageIds, el,
  fillSelect, formatClock, formatDuration, loadCatalog, loginForm, nameOf, newRequestId, show, toNumber,
} from './common.js';

const $ = (id) => document.getElementById(id);
const auth = authStore('hotline.console.auth');
const PAGE_TITLE = document.title;
const LIVE_STATES = new Set(['OFFERED', 'CONNECTED', 'WRAP_UP']);

const ui = {
  error: banner($('error')),
  conn: $('conn-status'),
  userBox: $('user-box'),
  agentName: $('agent-name'),
  logoutBtn: $('logout-btn'),
  loginSection: $('login-section'),
  agentSection: $('agent-section'),
  agentStatus: $('agent-status'),
  agentLoad: $('agent-load'),
  agentSkills: $('agent-skills'),
  agentMisses: $('agent-misses'),
  statusButtons: [...document.querySelectorAll('button.status-btn')],
  offerPanel: $('offer-panel'),
  offerCategory: $('offer-category'),
  offerLanguage: $('offer-language'),
  offerChannel: $('offer-channel'),
  offerPriority: $('offer-priority'),
  offerWaited: $('offer-waited'),
  offerCountdown: $('offer-countdown'),
  offerMeter: $('offer-meter'),
  offerAccept: $('offer-accept'),
  offerDecline: $('offer-decline'),
  sessionCount: $('session-count'),
  noSessions: $('no-sessions'),
  sessions: $('sessions'),
};

const S = {
  auth: null,
  socket: null,
  catalog: { categories: [], languages: [] },
  agent: null,              // the last AgentState
  offer: null,              // the pending Offer
  offerSeenAt: 0,           // when the pending offer first showed (for the countdown meter)
  offerRequest: null,       // {requestId, offerId, kind}
  sessions: new Map(),      // sessionId -> SessionUpdate, in display order
  messages: new Map(),      // sessionId -> Map(messageId -> ChatMessage)
  panes: new Map(),         // sessionId -> pane parts
  chatRequests: new Map(),  // requestId -> {sessionId, text}
  paneRequests: new Map(),  // requestId -> sessionId (end, wrapUp)
};

// ---- login ----

// Which roles may take sessions is the server's decision: it answers the agent socket
// with an error frame (FORBIDDEN) for the others, shown on the login form.
const loginUi = loginForm({
  store: auth,
  toAuth: (res, username) => ({
    token: res.token,
    role: res.role,
    displayName: res.displayName || username,
    agentId: res.agentId || '',
    expiresAtMs: res.expiresAtMs || '0',
  }),
  onLogin: (record) => {
    S.auth = record;
    enterConsole();
  },
});

function enterConsole() {
  show(ui.loginSection, false);
  show(ui.agentSection, true);
  show(ui.userBox, true);
  ui.agentName.textContent = S.auth.displayName;
  S.socket = new JsonSocket(`/ws/agent?token=${encodeURIComponent(S.auth.token)}`, {
    onOpen: () => render(),
    onFrame,
    onStatus: onSocketStatus,
    maxFailures: 5,
  });
  S.socket.connect();
  render();
}

function logout(message) {
  if (S.socket) {
    const socket = S.socket;
    S.socket = null;
    socket.close();
  }
  S.auth = null;
  S.agent = null;
  S.offer = null;
  S.sessions.clear();
  S.messages.clear();
  for (const p of S.panes.values()) p.root.remove();
  S.panes.clear();
  document.title = PAGE_TITLE;
  ui.conn.textContent = '';
  show(ui.agentSection, false);
  show(ui.userBox, false);
  loginUi.signOut(message);
}

function onSocketStatus(status) {
  ui.conn.dataset.status = status;
  ui.conn.textContent = {
    connecting: '正在连接…',
    open: '已连接',
    reconnecting: '连接中断，正在重新连接…',
    failed: '连接已断开，请刷新页面。',
    closed: '',
  }[status] || '';
  if (status === 'failed' && S.socket && !S.socket.everOpened) {
    logout('无法连接坐席服务，登录可能已失效，请重新登录。');
    return;
  }
  render();
}

// ---- frames ----

function onFrame(frame) {
  if (frame.agentState) onAgentState(frame.agentState);
  else if (frame.offer) onOffer(frame.offer);
  else if (frame.sessionState) onSessionState(frame.sessionState);
  else if (frame.chat) onChat(frame.chat);
  else if (frame.error) onError(frame);
}

function onAgentState(a) {
  S.agent = a;
  if (a.displayName) ui.agentName.textContent = a.displayName;
  setOffer(a.offer || null);
  const list = Array.isArray(a.sessions) ? a.sessions : [];
  const next = new Map();
  for (const s of list) if (LIVE_STATES.has(s.state)) next.set(s.sessionId, s);
  S.sessions = next;
  render();
}

function onOffer(offer) {
  setOffer(offer);
  render();
}

function setOffer(offer) {
  if (offer && offer.offerId) {
    if (!S.offer || S.offer.offerId !== offer.offerId) {
      S.offerSeenAt = Date.now();
      S.offerRequest = null;
    }
    S.offer = offer;
  } else {
    S.offer = null;
    S.offerRequest = null;
  }
}

function onSessionState(s) {
  if (!s.sessionId) return;
  if (LIVE_STATES.has(s.state)) {
    S.sessions.set(s.sessionId, s);
  } else {
    S.sessions.delete(s.sessionId);
  }
  if (S.offer && S.offer.sessionId === s.sessionId && s.state !== 'OFFERED') setOffer(null);
  render();
}

function onChat(m) {
  if (!m.sessionId || !m.messageId) return;
  let map = S.messages.get(m.sessionId);
  if (!map) {
    map = new Map();
    S.messages.set(m.sessionId, map);
  }
  if (map.has(m.messageId)) return;
  map.set(m.messageId, m);
  const pane = S.panes.get(m.sessionId);
  if (pane) appendMessage(pane, m);
}

function onError(frame) {
  const { code = '', message = '' } = frame.error || {};
  const rid = frame.requestId || '';
  const text = errorText(code, message);
  if (code === 'NOT_AUTHENTICATED') {
    logout(`登录已失效：${text}`);
    return;
  }
  if (code === 'FORBIDDEN' && !rid) {
    // the connection itself was refused: this account may not take sessions
    logout(`此账号不能使用值班律师工作台：${text}`);
    return;
  }
  if (rid && S.offerRequest && S.offerRequest.requestId === rid) {
    S.offerRequest = null;
    if (code === 'OFFER_GONE') setOffer(null);
    ui.error.error(text);
    render();
    return;
  }
  if (rid && S.chatRequests.has(rid)) {
    const { sessionId, text: lost } = S.chatRequests.get(rid);
    S.chatRequests.delete(rid);
    const pane = S.panes.get(sessionId);
    if (pane) {
      if (!pane.input.value) pane.input.value = lost;
      paneError(pane, text);
      return;
    }
  }
  if (rid && S.paneRequests.has(rid)) {
    const sessionId = S.paneRequests.get(rid);
    S.paneRequests.delete(rid);
    const pane = S.panes.get(sessionId);
    if (pane) {
      pane.submitting = false;
      pane.ending = false;
      paneError(pane, text);
      renderPane(pane, S.sessions.get(sessionId));
      return;
    }
  }
  ui.error.error(text);
}

// ---- actions ----

function send(frame) {
  if (!S.socket || !S.socket.send(frame)) {
    ui.error.error('与服务器的连接已断开，操作未发送，请稍候再试。');
    return false;
  }
  return true;
}

function setStatus(status) {
  ui.error.clear();
  send({ requestId: newRequestId(), setStatus: { status } });
}

function answerOffer(kind) {
  if (!S.offer) return;
  ui.error.clear();
  const requestId = newRequestId();
  const offerId = S.offer.offerId;
  const frame = kind === 'accept' ? { requestId, accept: { offerId } } : { requestId, decline: { offerId } };
  if (send(frame)) {
    S.offerRequest = { requestId, offerId, kind };
    render();
  }
}

// ---- session panes ----

function createPane(sessionId) {
  const idBase = `s-${sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const title = el('h3', { class: 'pane-title', dataset: { testid: 'session-title' } });
  const badge = el('span', { class: 'badge', dataset: { testid: 'session-state' } });
  const meta = el('p', { class: 'pane-meta muted', dataset: { testid: 'session-meta' } });
  const endBtn = el('button', { type: 'button', class: 'danger', dataset: { testid: 'session-end' } }, '结束');
  const list = el('ol', {
    class: 'messages', 'aria-live': 'polite', 'aria-label': '对话记录', dataset: { testid: 'session-messages' },
  });
  const input = el('textarea', {
    id: `${idBase}-input`, rows: '2', maxlength: '2000', placeholder: '输入回复，Enter 发送，Shift+Enter 换行',
    dataset: { testid: 'session-input' },
  });
  const sendBtn = el('button', { type: 'submit', class: 'primary', dataset: { testid: 'session-send' } }, '发送');
  const compose = el('form', { class: 'compose', dataset: { testid: 'session-compose' } },
    el('label', { for: `${idBase}-input`, class: 'sr-only' }, '回复内容'), input, sendBtn);
  const paneErr = el('div', { class: 'banner banner-error', role: 'alert', hidden: true, dataset: { testid: 'session-error' } });

  // the work order (工单)
  const typeSel = el('select', { id: `${idBase}-type`, name: 'type', required: true, dataset: { testid: 'wrapup-type' } });
  fillSelect(typeSel, WORK_ORDER_TYPE_OPTIONS);
  const catSel = el('select', { id: `${idBase}-category`, name: 'category', required: true, dataset: { testid: 'wrapup-category' } });
  const outcomeSel = el('select', { id: `${idBase}-outcome`, name: 'outcome', required: true, dataset: { testid: 'wrapup-outcome' } });
  fillSelect(outcomeSel, OUTCOME_OPTIONS, { placeholder: '请选择处理结果' });
  const note = el('textarea', {
    id: `${idBase}-note`, name: 'note', rows: '3', maxlength: '4000',
    placeholder: '咨询事项与答复要点', dataset: { testid: 'wrapup-note' },
  });
  const submit = el('button', { type: 'submit', class: 'primary', dataset: { testid: 'wrapup-submit' } }, '提交工单');
  const wrap = el('form', { class: 'wrapup', hidden: true, dataset: { testid: 'wrapup-form' }, 'aria-label': '电子工单' },
    el('h4', {}, '电子工单'),
    el('p', { class: 'hint' }, '会话已结束，请填写本次咨询的工单。'),
    el('div', { class: 'field-row' },
      el('div', { class: 'field' }, el('label', { for: typeSel.id }, '工单类型'), typeSel),
      el('div', { class: 'field' }, el('label', { for: catSel.id }, '咨询类别'), catSel)),
    el('div', { class: 'field' }, el('label', { for: outcomeSel.id }, '处理结果'), outcomeSel),
    el('div', { class: 'field' }, el('label', { for: note.id }, '备注'), note),
    el('div', { class: 'actions' }, submit));

  const root = el('section', {
    class: 'session-pane card', dataset: { sessionId, testid: 'session-pane' }, 'aria-label': '会话',
  },
  el('div', { class: 'pane-head' }, title, badge, endBtn), meta, paneErr, list, compose, wrap);

  const pane = {
    sessionId, root, title, badge, meta, endBtn, list, input, sendBtn, compose, paneErr,
    wrap, typeSel, catSel, outcomeSel, note, submit, submitting: false, ending: false, catalogFilled: false,
  };

  endBtn.addEventListener('click', () => {
    ui.error.clear();
    const requestId = newRequestId();
    if (send({ requestId, end: { sessionId } })) {
      S.paneRequests.set(requestId, sessionId);
      pane.ending = true;
      renderPane(pane, S.sessions.get(sessionId));
    }
  });
  compose.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const requestId = newRequestId();
    if (send({ requestId, chat: { sessionId, text } })) {
      S.chatRequests.set(requestId, { sessionId, text });
      if (S.chatRequests.size > 100) S.chatRequests.delete(S.chatRequests.keys().next().value);
      paneError(pane, '');
      input.value = '';
      input.focus();
    }
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      compose.requestSubmit();
    }
  });
  wrap.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!outcomeSel.value || !typeSel.value || !catSel.value) {
      paneError(pane, '请选择工单类型、咨询类别和处理结果。');
      return;
    }
    const requestId = newRequestId();
    const frame = {
      requestId,
      wrapUp: {
        sessionId,
        type: typeSel.value,
        category: catSel.value,
        outcome: outcomeSel.value,
        note: note.value.trim(),
      },
    };
    if (send(frame)) {
      S.paneRequests.set(requestId, sessionId);
      pane.submitting = true;
      paneError(pane, '');
      renderPane(pane, S.sessions.get(sessionId));
    }
  });

  const stored = S.messages.get(sessionId);
  if (stored) {
    for (const m of [...stored.values()].sort((a, b) => compareMessageIds(a.messageId, b.messageId))) {
      appendMessage(pane, m);
    }
  }
  return pane;
}

function paneError(pane, text) {
  pane.paneErr.textContent = text;
  pane.paneErr.hidden = !text;
}

function appendMessage(pane, m) {
  const from = m.from || 'SYSTEM';
  let who;
  let cls;
  if (from === 'LAWYER') {
    const mine = !m.senderName || (S.auth && m.senderName === S.auth.displayName);
    who = mine ? '我' : m.senderName;
    cls = 'mine';
  } else if (from === 'CALLER') {
    who = '咨询人';
    cls = 'theirs';
  } else {
    who = '系统消息';
    cls = 'system';
  }
  const li = el('li', { class: `msg ${cls}`, dataset: { messageId: m.messageId, from, testid: 'chat-message' } },
    el('div', { class: 'msg-meta' }, el('span', { class: 'msg-who' }, who), ' ',
      el('time', { class: 'msg-time' }, formatClock(m.sentAtMs))),
    el('p', { class: 'msg-text' }, m.text || ''));
  let before = null;
  for (const x of pane.list.children) {
    if (compareMessageIds(x.dataset.messageId, m.messageId) > 0) {
      before = x;
      break;
    }
  }
  pane.list.insertBefore(li, before);
  if (!before) pane.list.scrollTop = pane.list.scrollHeight;
}

function renderPane(pane, s) {
  if (!s) return;
  const open = !!S.socket && S.socket.isOpen;
  const cat = nameOf(S.catalog.categories, s.category);
  const lang = nameOf(S.catalog.languages, s.language);
  pane.title.textContent = `${cat} · ${lang}`;
  pane.badge.textContent = SESSION_STATE_LABELS[s.state] || s.state;
  pane.badge.dataset.state = s.state;
  pane.root.dataset.state = s.state;
  const enq = toNumber(s.enqueuedAtMs);
  const ans = toNumber(s.answeredAtMs);
  const parts = [CHANNEL_LABELS[s.channel] || ''];
  if (ans) parts.push(`接通于 ${formatClock(ans)}`);
  if (enq && ans) parts.push(`排队 ${formatDuration((ans - enq) / 1000)}`);
  if (s.rating && s.rating !== 'RATING_UNSPECIFIED') {
    parts.push(`评价：${{ SATISFIED: '满意', BASIC_SATISFIED: '基本满意', DISSATISFIED: '不满意' }[s.rating] || s.rating}`);
  }
  pane.meta.textContent = parts.filter(Boolean).join('　');

  const connected = s.state === 'CONNECTED';
  const wrapping = s.state === 'WRAP_UP';
  if (!connected) pane.ending = false;
  show(pane.endBtn, connected);
  pane.endBtn.disabled = !open || pane.ending;
  show(pane.compose, connected);
  pane.input.disabled = !open;
  pane.sendBtn.disabled = !open;

  show(pane.wrap, wrapping);
  if (wrapping && (!pane.catalogFilled || pane.catSel.options.length === 0)) {
    const cats = S.catalog.categories.map((c) => [c.code, c.name]);
    if (s.category && !cats.some(([code]) => code === s.category)) cats.unshift([s.category, s.category]);
    fillSelect(pane.catSel, cats);
    pane.catSel.value = s.category || '';
    pane.catalogFilled = S.catalog.categories.length > 0;
  }
  pane.submit.disabled = !open || pane.submitting;
  pane.submit.textContent = pane.submitting ? '正在提交…' : '提交工单';
}

// ---- rendering ----

function skillLabel(skill) {
  const [cat, lang] = String(skill).split(':');
  return lang ? `${nameOf(S.catalog.categories, cat)}（${nameOf(S.catalog.languages, lang)}）` : nameOf(S.catalog.categories, cat);
}

function render() {
  if (!S.auth) return;
  const open = !!S.socket && S.socket.isOpen;
  const a = S.agent;
  const status = a ? a.status : '';
  ui.agentStatus.textContent = a ? (AGENT_STATUS_LABELS[status] || status) : '—';
  ui.agentStatus.dataset.status = status;
  for (const b of ui.statusButtons) {
    b.setAttribute('aria-pressed', String(b.dataset.status === status));
    b.disabled = !open;
  }
  if (a) {
    ui.agentLoad.textContent = `${toNumber(a.activeSessions)} / ${toNumber(a.chatCapacity)}`;
    ui.agentSkills.textContent = (a.skills || []).map(skillLabel).join('、') || '—';
    ui.agentMisses.textContent = String(toNumber(a.consecutiveMisses));
  }

  // the offer
  show(ui.offerPanel, !!S.offer);
  if (S.offer) {
    const o = S.offer;
    ui.offerPanel.dataset.offerId = o.offerId;
    ui.offerCategory.textContent = nameOf(S.catalog.categories, o.category);
    ui.offerLanguage.textContent = nameOf(S.catalog.languages, o.language);
    ui.offerChannel.textContent = CHANNEL_LABELS[o.channel] || o.channel || '';
    ui.offerPriority.textContent = PRIORITY_LABELS[o.priority] || o.priority || '普通';
    const busy = !!S.offerRequest;
    ui.offerAccept.disabled = !open || busy;
    ui.offerDecline.disabled = !open || busy;
    ui.offerAccept.textContent = busy && S.offerRequest.kind === 'accept' ? '正在接入…' : '接受';
    ui.offerDecline.textContent = busy && S.offerRequest.kind === 'decline' ? '正在拒绝…' : '拒绝';
    document.title = `【新咨询】${PAGE_TITLE}`;
  } else {
    delete ui.offerPanel.dataset.offerId;
    document.title = PAGE_TITLE;
  }
  tick();

  // the session panes, oldest answered first, so that panes stay where they are
  for (const [id, pane] of S.panes) {
    if (!S.sessions.has(id)) {
      pane.root.remove();
      S.panes.delete(id);
      S.messages.delete(id);
    }
  }
  const ordered = [...S.sessions].sort(([ia, a], [ib, b]) => (toNumber(a.answeredAtMs) - toNumber(b.answeredAtMs))
    || (toNumber(a.enqueuedAtMs) - toNumber(b.enqueuedAtMs)) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  let prev = null;
  for (const [id, s] of ordered) {
    let pane = S.panes.get(id);
    if (!pane) {
      pane = createPane(id);
      S.panes.set(id, pane);
    }
    const want = prev ? prev.nextSibling : ui.sessions.firstChild;
    if (want !== pane.root) ui.sessions.insertBefore(pane.root, want);
    renderPane(pane, s);
    prev = pane.root;
  }
  ui.sessionCount.textContent = S.sessions.size ? `（${S.sessions.size}）` : '';
  show(ui.noSessions, S.sessions.size === 0);
}

// The offer's countdown and waited time, every 250 ms.
function tick() {
  const o = S.offer;
  if (!o) return;
  const now = Date.now();
  const expires = toNumber(o.expiresAtMs);
  const remaining = Math.max(0, expires - now);
  ui.offerCountdown.textContent = String(Math.ceil(remaining / 1000));
  const total = Math.max(1, expires - S.offerSeenAt);
  ui.offerMeter.style.width = `${Math.min(100, (remaining / total) * 100)}%`;
  const enq = toNumber(o.enqueuedAtMs);
  ui.offerWaited.textContent = enq ? formatDuration((now - enq) / 1000) : '—';
}

// ---- start-up ----

function init() {
  ui.logoutBtn.addEventListener('click', () => {
    if (S.socket && S.socket.isOpen && S.sessions.size === 0) {
      S.socket.send({ requestId: newRequestId(), setStatus: { status: 'OFFLINE' } });
    }
    setTimeout(() => logout(''), 150);
  });
  for (const b of ui.statusButtons) b.addEventListener('click', () => setStatus(b.dataset.status));
  ui.offerAccept.addEventListener('click', () => answerOffer('accept'));
  ui.offerDecline.addEventListener('click', () => answerOffer('decline'));
  setInterval(tick, 250);

  loadCatalog().then((c) => {
    S.catalog = c;
    for (const p of S.panes.values()) p.catalogFilled = false;
    render();
  }).catch((err) => ui.error.error(`无法加载咨询类别：${err.message}`));

  S.auth = loginUi.restore();
  if (S.auth) enterConsole();
}

init();
