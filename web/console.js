// The duty lawyer's console: log in, set presence, take offered chats, chat in several
// sessions at once, transfer a chat to another skill or hotline, fill each session's work
// order (工单) after it ends, and answer the messages and callbacks (留言与回拨) callers left.
// Driven by /ws/agent?pass=… (a single-use pass per connect); the agentState frame carries the whole state, the tickets
// frame the whole list of open tickets.
import {
  errorText,
  AGENT_STATUS_LABELS, CHANNEL_LABELS, JsonSocket, OUTCOME_OPTIONS, PRIORITY_LABELS,
  SESSION_STATE_LABELS, TICKET_KIND_LABELS, WORK_ORDER_TYPE_OPTIONS, authStore, banner, compareMessageIds, el,
  fillSelect, formatClock, formatDateTime, formatDuration, loadCatalog, loginForm, logoutOnServer, nameOf,
  newRequestId, show, staffSocketPath, statusReasonText, statusSetByRouting, toNumber,
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
  phoneStatus: $('phone-status'),
  agentLoad: $('agent-load'),
  agentSkills: $('agent-skills'),
  agentMisses: $('agent-misses'),
  agentStatusReason: $('agent-status-reason'),
  agentBackupSkills: $('agent-backup-skills'),
  agentToday: $('agent-today'),
  ticketCount: $('ticket-count'),
  noTickets: $('no-tickets'),
  tickets: $('tickets'),
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
  offerPhone: $('offer-phone'),
  sessionCount: $('session-count'),
  noSessions: $('no-sessions'),
  sessions: $('sessions'),
};

const S = {
  auth: null,
  socket: null,
  catalog: { categories: [], languages: [], transferDestinations: [] },
  agent: null,              // the last AgentState
  offer: null,              // the pending Offer
  offerSeenAt: 0,           // when the pending offer first showed (for the countdown meter)
  offerRequest: null,       // {requestId, offerId, kind}
  sessions: new Map(),      // sessionId -> SessionUpdate, in display order
  messages: new Map(),      // sessionId -> Map(messageId -> ChatMessage)
  panes: new Map(),         // sessionId -> pane parts
  chatRequests: new Map(),  // requestId -> {sessionId, text}
  paneRequests: new Map(),  // requestId -> sessionId (end, wrapUp, transfer)
  tickets: [],              // the open Tickets, nearest reply deadline first
  ticketCards: new Map(),   // ticketId -> card parts
  ticketRequests: new Map(), // requestId -> ticketId (replyTicket)
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
  S.socket = new JsonSocket(staffSocketPath('/ws/agent', S.auth.token), {
    onOpen: () => render(),
    onFrame,
    onStatus: onSocketStatus,
    onAuthError: (err) => logout(`登录已失效：${err.message}`),
    maxFailures: 5,
  });
  S.socket.connect();
  render();
}

function logout(message) {
  if (S.auth) logoutOnServer(S.auth.token);
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
  S.tickets = [];
  for (const c of S.ticketCards.values()) c.root.remove();
  S.ticketCards.clear();
  S.ticketRequests.clear();
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
  if (frame.agentState) onAgentState(frame.agentState, frame.requestId || '');
  else if (frame.offer) onOffer(frame.offer);
  else if (frame.sessionState) onSessionState(frame.sessionState);
  else if (frame.chat) onChat(frame.chat);
  else if (frame.tickets) onTickets(frame.tickets);
  else if (frame.error) onError(frame);
}

function onAgentState(a, requestId) {
  // agentState with a requestId acknowledges that request
  if (requestId && S.ticketRequests.has(requestId)) {
    const card = S.ticketCards.get(S.ticketRequests.get(requestId));
    S.ticketRequests.delete(requestId);
    if (card) {
      card.sending = false;
      card.done = true;
    }
  }
  if (requestId && S.paneRequests.has(requestId)) {
    const pane = S.panes.get(S.paneRequests.get(requestId));
    S.paneRequests.delete(requestId);
    if (pane && pane.transferring) {
      pane.transferring = false;
      pane.transferOpen = false;
    }
  }
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

// The pending request a reply's requestId names (undefined when none), forgotten once answered.
function takeRequest(pending, rid) {
  if (!rid || !pending.has(rid)) return undefined;
  const value = pending.get(rid);
  pending.delete(rid);
  return value;
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
  const chat = takeRequest(S.chatRequests, rid);
  const chatPane = chat && S.panes.get(chat.sessionId);
  if (chatPane) {
    if (!chatPane.input.value) chatPane.input.value = chat.text;
    paneError(chatPane, text);
    return;
  }
  const ticketId = takeRequest(S.ticketRequests, rid);
  const card = ticketId && S.ticketCards.get(ticketId);
  if (card) {
    card.sending = false;
    card.errorText = text;
    renderTickets();
    return;
  }
  const sessionId = takeRequest(S.paneRequests, rid);
  const pane = sessionId && S.panes.get(sessionId);
  if (pane) {
    pane.submitting = false;
    pane.ending = false;
    pane.transferring = false;
    paneError(pane, text);
    renderPane(pane, S.sessions.get(sessionId));
    return;
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
  const transferBtn = el('button', {
    type: 'button', class: 'secondary', 'aria-expanded': 'false', dataset: { testid: 'session-transfer' },
  }, '转接');
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

  // transfer: to another skill (category and language) or out to another hotline
  const modeSel = el('select', { id: `${idBase}-tmode`, name: 'mode', dataset: { testid: 'transfer-mode' } });
  fillSelect(modeSel, [['skill', '转其他类别律师'], ['hotline', '建议拨打其他热线']]);
  const tCatSel = el('select', { id: `${idBase}-tcat`, name: 'category', dataset: { testid: 'transfer-category' } });
  const tLangSel = el('select', { id: `${idBase}-tlang`, name: 'language', dataset: { testid: 'transfer-language' } });
  const destSel = el('select', { id: `${idBase}-tdest`, name: 'destination', dataset: { testid: 'transfer-destination' } });
  const skillFields = el('div', { class: 'field-row', dataset: { testid: 'transfer-skill-fields' } },
    el('div', { class: 'field' }, el('label', { for: tCatSel.id }, '转至类别'), tCatSel),
    el('div', { class: 'field' }, el('label', { for: tLangSel.id }, '语言'), tLangSel));
  const hotlineFields = el('div', { class: 'field', hidden: true, dataset: { testid: 'transfer-hotline-fields' } },
    el('label', { for: destSel.id }, '建议拨打'), destSel);
  const transferSubmit = el('button', { type: 'submit', class: 'primary', dataset: { testid: 'transfer-submit' } }, '确认转接');
  const transferCancel = el('button', { type: 'button', class: 'secondary', dataset: { testid: 'transfer-cancel' } }, '取消');
  const transferHint = el('p', { class: 'hint', dataset: { testid: 'transfer-hint' } });
  const transferForm = el('form', {
    class: 'transfer', hidden: true, dataset: { testid: 'transfer-form' }, 'aria-label': '转接',
  },
  el('h4', {}, '转接'),
  el('div', { class: 'field' }, el('label', { for: modeSel.id }, '转接方式'), modeSel),
  skillFields, hotlineFields, transferHint,
  el('div', { class: 'actions' }, transferSubmit, transferCancel));

  const root = el('section', {
    class: 'session-pane card', dataset: { sessionId, testid: 'session-pane' }, 'aria-label': '会话',
  },
  el('div', { class: 'pane-head' }, title, badge, transferBtn, endBtn), meta, paneErr, transferForm, list, compose, wrap);

  const pane = {
    sessionId, root, title, badge, meta, endBtn, list, input, sendBtn, compose, paneErr,
    wrap, typeSel, catSel, outcomeSel, note, submit, submitting: false, ending: false, catalogFilled: false,
    transferBtn, transferForm, modeSel, tCatSel, tLangSel, destSel, skillFields, hotlineFields, transferHint,
    transferSubmit, transferCancel, transferOpen: false, transferring: false,
  };

  transferBtn.addEventListener('click', () => {
    pane.transferOpen = !pane.transferOpen;
    if (pane.transferOpen) fillTransferForm(pane, S.sessions.get(sessionId));
    paneError(pane, '');
    renderPane(pane, S.sessions.get(sessionId));
  });
  transferCancel.addEventListener('click', () => {
    pane.transferOpen = false;
    paneError(pane, '');
    renderPane(pane, S.sessions.get(sessionId));
  });
  modeSel.addEventListener('change', () => renderPane(pane, S.sessions.get(sessionId)));
  transferForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const s = S.sessions.get(sessionId);
    if (!s || pane.transferring) return;
    let transfer;
    if (modeSel.value === 'hotline') {
      if (!destSel.value) {
        paneError(pane, '请选择要建议拨打的热线。');
        return;
      }
      transfer = { sessionId, destination: destSel.value };
    } else {
      const category = tCatSel.value;
      const language = tLangSel.value || s.language;
      if (!category) {
        paneError(pane, '请选择转至的咨询类别。');
        return;
      }
      if (category === s.category && language === s.language) {
        paneError(pane, '请选择与当前不同的类别或语言。');
        return;
      }
      transfer = { sessionId, category, language };
    }
    const requestId = newRequestId();
    if (send({ requestId, transfer })) {
      S.paneRequests.set(requestId, sessionId);
      pane.transferring = true;
      paneError(pane, '');
      renderPane(pane, s);
    }
  });

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

// Fills the transfer form's lists from the catalog; the language defaults to the session's.
function fillTransferForm(pane, s) {
  const keepCat = pane.tCatSel.value;
  const keepDest = pane.destSel.value;
  fillSelect(pane.tCatSel, S.catalog.categories.map((c) => [c.code, c.code === (s && s.category) ? `${c.name}（当前）` : c.name]),
    { placeholder: '请选择类别' });
  fillSelect(pane.tLangSel, S.catalog.languages.map((l) => [l.code, l.name]));
  pane.tLangSel.value = (s && s.language) || '';
  if (keepCat) pane.tCatSel.value = keepCat;
  const dests = S.catalog.transferDestinations.map((d) => [d.code, d.name && d.name !== d.code ? `${d.code}（${d.name}）` : d.code]);
  fillSelect(pane.destSel, dests, { placeholder: dests.length ? '请选择热线' : '未配置可转接的热线' });
  if (keepDest) pane.destSel.value = keepDest;
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
  const connected = s.state === 'CONNECTED';
  // A call is ended on the softphone and has no chat box; the gateway refuses end and transfer for it.
  const call = s.channel === 'PHONE';
  if (call && connected) parts.push('通话中，请在话机上挂断');
  pane.meta.textContent = parts.filter(Boolean).join('　');

  const wrapping = s.state === 'WRAP_UP';
  if (!connected) {
    pane.ending = false;
    pane.transferOpen = false;
    pane.transferring = false;
  }
  show(pane.endBtn, connected && !call);
  pane.endBtn.disabled = !open || pane.ending || pane.transferring;

  show(pane.transferBtn, connected && !call);
  pane.transferBtn.disabled = !open || pane.ending || pane.transferring;
  pane.transferBtn.setAttribute('aria-expanded', String(pane.transferOpen));
  show(pane.transferForm, connected && !call && pane.transferOpen);
  if (connected && !call && pane.transferOpen) {
    if (pane.tCatSel.options.length <= 1 && S.catalog.categories.length) fillTransferForm(pane, s);
    const hotline = pane.modeSel.value === 'hotline';
    show(pane.skillFields, !hotline);
    show(pane.hotlineFields, hotline);
    pane.transferHint.textContent = hotline
      ? '咨询人将看到建议拨打的热线，本会话随即结束并进入工单填写。'
      : '会话将回到所选类别的队列，优先于之后来的咨询人，由具备该技能的律师接入；对话记录随之转交。';
    pane.transferSubmit.disabled = !open || pane.transferring;
    pane.transferSubmit.textContent = pane.transferring ? '正在转接…' : '确认转接';
    pane.modeSel.disabled = pane.transferring;
  }
  show(pane.compose, connected && !call);
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
    ui.agentBackupSkills.textContent = (a.backupSkills || []).map(skillLabel).join('、') || '—';
    ui.agentToday.textContent = `${toNumber(a.sessionsToday)} 次`;
    ui.agentMisses.textContent = String(toNumber(a.consecutiveMisses));
    // Calls ring the softphone only while it is registered (docs/telephony.md).
    ui.phoneStatus.textContent = a.phoneRegistered ? '已注册' : '未注册';
    ui.phoneStatus.dataset.registered = a.phoneRegistered ? '1' : '0';
  }
  const reason = a && statusSetByRouting(a.statusReason) ? statusReasonText(a.statusReason) : '';
  show(ui.agentStatusReason, !!reason);
  ui.agentStatusReason.textContent = reason;
  if (a) ui.agentStatusReason.dataset.reason = a.statusReason || '';

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
    // A call is answered (or refused) on the softphone; the console only shows that it rings.
    const call = o.channel === 'PHONE';
    show(ui.offerAccept, !call);
    show(ui.offerDecline, !call);
    show(ui.offerPhone, call);
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
  renderTickets();
}

// ---- 留言与回拨 (tickets) ----

function onTickets(list) {
  S.tickets = Array.isArray(list && list.tickets) ? list.tickets.filter((t) => t && t.ticketId) : [];
  render();
}

function createTicketCard(t) {
  const ticketId = t.ticketId;
  const idBase = `t-${ticketId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const kindBadge = el('span', { class: 'badge', dataset: { testid: 'ticket-kind' } });
  const title = el('h3', { class: 'pane-title', dataset: { testid: 'ticket-title' } });
  const overdue = el('span', { class: 'badge badge-overdue', hidden: true, dataset: { testid: 'ticket-overdue' } }, '已超期');
  const deadline = el('p', { class: 'pane-meta muted', dataset: { testid: 'ticket-deadline' } });
  const contact = el('dd', { dataset: { testid: 'ticket-contact' } });
  const created = el('dd', { dataset: { testid: 'ticket-created' } });
  const question = el('dd', { class: 'reply-text', dataset: { testid: 'ticket-question' } });
  const label = el('label', { for: `${idBase}-reply` });
  const text = el('textarea', {
    id: `${idBase}-reply`, rows: '3', maxlength: '4000', dataset: { testid: 'ticket-reply-text' },
  });
  const err = el('div', { class: 'banner banner-error', role: 'alert', hidden: true, dataset: { testid: 'ticket-error' } });
  const doneNote = el('p', { class: 'banner banner-info', role: 'status', hidden: true, dataset: { testid: 'ticket-done' } });
  const submit = el('button', { type: 'submit', class: 'primary', dataset: { testid: 'ticket-reply-submit' } });
  const form = el('form', { class: 'ticket-reply', dataset: { testid: 'ticket-reply-form' } },
    el('div', { class: 'field' }, label, text), err, doneNote, el('div', { class: 'actions' }, submit));
  const root = el('section', { class: 'ticket-card card', dataset: { ticketId, testid: 'ticket' }, 'aria-label': '留言' },
    el('div', { class: 'pane-head' }, kindBadge, title, overdue), deadline,
    el('dl', { class: 'facts wide' },
      el('div', {}, el('dt', {}, '联系方式'), contact),
      el('div', {}, el('dt', {}, '留言时间'), created),
      el('div', {}, el('dt', {}, '问题'), question)),
    form);
  const card = {
    ticketId, root, kindBadge, title, overdue, deadline, contact, created, question, label, text, err, doneNote, submit,
    sending: false, done: false, errorText: '',
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t2 = S.tickets.find((x) => x.ticketId === ticketId);
    if (!t2 || card.sending) return;
    const reply = text.value.trim();
    const callback = t2.kind === 'CALLBACK';
    if (!reply) {
      card.errorText = callback ? '请填写回电情况（通话记录）。' : '请填写答复内容。';
      renderTickets();
      return;
    }
    const requestId = newRequestId();
    const frame = { requestId, replyTicket: { ticketId, kind: callback ? 'CALLBACK_MADE' : 'TEXT_REPLY', text: reply } };
    if (send(frame)) {
      S.ticketRequests.set(requestId, ticketId);
      card.sending = true;
      card.errorText = '';
      renderTickets();
    }
  });
  return card;
}

function renderTickets() {
  const open = !!S.socket && S.socket.isOpen;
  const ids = new Set(S.tickets.map((t) => t.ticketId));
  for (const [id, card] of S.ticketCards) {
    if (!ids.has(id)) {
      card.root.remove();
      S.ticketCards.delete(id);
    }
  }
  let prev = null;
  for (const t of S.tickets) {
    let card = S.ticketCards.get(t.ticketId);
    if (!card) {
      card = createTicketCard(t);
      S.ticketCards.set(t.ticketId, card);
    }
    const want = prev ? prev.nextSibling : ui.tickets.firstChild;
    if (want !== card.root) ui.tickets.insertBefore(card.root, want);
    prev = card.root;

    const callback = t.kind === 'CALLBACK';
    card.root.dataset.kind = t.kind || '';
    card.kindBadge.textContent = TICKET_KIND_LABELS[t.kind] || t.kind || '留言';
    card.kindBadge.dataset.kind = t.kind || '';
    card.title.textContent = `${nameOf(S.catalog.categories, t.category)} · ${nameOf(S.catalog.languages, t.language)}`;
    card.contact.textContent = t.contact || '（未留）';
    card.created.textContent = formatDateTime(t.createdAtMs) || '—';
    card.question.textContent = t.question || '';
    card.label.textContent = callback ? `回电记录（请先拨打 ${t.contact || '联系电话'}）` : '书面答复';
    card.text.placeholder = callback ? '回电时间、通话要点与答复' : '请写明答复内容，群众凭查询码查看';
    card.text.disabled = card.sending || card.done;
    card.submit.disabled = !open || card.sending || card.done;
    card.submit.textContent = card.sending ? '正在提交…' : callback ? '已回电，提交记录' : '发送答复';
    card.err.textContent = card.errorText;
    card.err.hidden = !card.errorText;
    card.doneNote.textContent = card.done ? '已提交，等待列表更新。' : '';
    card.doneNote.hidden = !card.done;
  }
  ui.ticketCount.textContent = S.tickets.length ? `（${S.tickets.length}）` : '';
  show(ui.noTickets, S.tickets.length === 0);
  tickTickets();
}

// Deadlines and the 已超期 marks, every second.
function tickTickets() {
  const now = Date.now();
  for (const t of S.tickets) {
    const card = S.ticketCards.get(t.ticketId);
    if (!card) continue;
    const due = toNumber(t.replyDeadlineMs);
    const late = due > 0 && now > due;
    card.overdue.hidden = !late;
    card.root.dataset.overdue = String(late);
    if (!due) card.deadline.textContent = '答复时限：—';
    else if (late) card.deadline.textContent = `答复时限 ${formatDateTime(due)}，已超期 ${formatDuration((now - due) / 1000)}`;
    else card.deadline.textContent = `答复时限 ${formatDateTime(due)}（剩余 ${formatDuration((due - now) / 1000)}）`;
  }
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
  setInterval(tickTickets, 1000);

  loadCatalog().then((c) => {
    S.catalog = c;
    for (const p of S.panes.values()) {
      p.catalogFilled = false;
      if (p.transferOpen) fillTransferForm(p, S.sessions.get(p.sessionId));
    }
    render();
  }).catch((err) => ui.error.error(`无法加载咨询类别：${err.message}`));

  S.auth = loginUi.restore();
  if (S.auth) enterConsole();
}

init();
