// The citizen's chat page: choose a category and language, wait in line, chat with the duty
// lawyer, rate the answer. Talks to /ws/caller; survives a reload by resuming with the
// session token kept in sessionStorage. A waiting caller may leave a message or ask for a
// callback instead (a ticket, whose id and token are kept in localStorage), and anyone can
// look up the answer to a ticket with its id and token (POST /api/v1/tickets/lookup).
import {
  api, errorText,
  JsonSocket, OVERFLOW_REASON_LABELS, PRIORITY_OPTIONS, RATING_OPTIONS, SESSION_STATE_LABELS, TICKET_KIND_OPTIONS,
  TICKET_STATE_LABELS, banner, compareMessageIds, el, fillSelect, formatClock, formatDateTime, formatDuration,
  loadCatalog, nameOf, newRequestId, show, toNumber, utf8Length,
} from './common.js';

const STORE_KEY = 'hotline.caller.session';
// The caller's tickets (newest first), kept across visits so that the lookup form is filled in.
const TICKETS_KEY = 'hotline.caller.tickets';
const CONTACT_MAX_BYTES = 64;
const QUESTION_MAX_BYTES = 2000;
const $ = (id) => document.getElementById(id);

const ui = {
  error: banner($('error')),
  conn: $('conn-status'),
  startPanel: $('start-panel'),
  startForm: $('start-form'),
  category: $('category'),
  language: $('language'),
  priority: $('priority'),
  startBtn: $('start-btn'),
  queuePanel: $('queue-panel'),
  queueStatus: $('queue-status'),
  position: $('position'),
  wait: $('wait'),
  queueInfo: $('queue-info'),
  leaveBtn: $('leave-btn'),
  chatPanel: $('chat-panel'),
  lawyerName: $('lawyer-name'),
  sessionState: $('session-state'),
  endBtn: $('end-btn'),
  messages: $('messages'),
  compose: $('compose'),
  input: $('chat-input'),
  sendBtn: $('send-btn'),
  ratingPanel: $('rating-panel'),
  thanksPanel: $('thanks-panel'),
  thanksTitle: $('thanks-title'),
  thanksText: $('thanks-text'),
  endedPanel: $('ended-panel'),
  endedTitle: $('ended-title'),
  endedText: $('ended-text'),
  transferAdvice: $('transfer-advice'),
  overflowOffer: $('overflow-offer'),
  overflowText: $('overflow-text'),
  messageBtn: $('message-btn'),
  messageForm: $('message-form'),
  ticketKind: $('ticket-kind'),
  ticketContact: $('ticket-contact'),
  ticketContactNeed: $('ticket-contact-need'),
  ticketQuestion: $('ticket-question'),
  ticketQuestionCount: $('ticket-question-count'),
  messageError: banner($('message-error')),
  ticketSubmit: $('ticket-submit'),
  ticketCancel: $('ticket-cancel'),
  ticketPanel: $('ticket-panel'),
  ticketTitle: $('ticket-title'),
  ticketDuplicate: $('ticket-duplicate'),
  ticketId: $('ticket-id'),
  ticketToken: $('ticket-token'),
  ticketDeadline: $('ticket-deadline'),
  ticketSaved: $('ticket-saved'),
  lookupPanel: $('lookup-panel'),
  lookupForm: $('lookup-form'),
  lookupId: $('lookup-id'),
  lookupToken: $('lookup-token'),
  lookupBtn: $('lookup-btn'),
  lookupError: banner($('lookup-error')),
  lookupResult: $('lookup-result'),
  lookupState: $('lookup-state'),
  lookupStatus: $('lookup-status'),
  lookupQuestion: $('lookup-question'),
  lookupReplyRow: $('lookup-reply-row'),
  lookupReplyLabel: $('lookup-reply-label'),
  lookupReply: $('lookup-reply'),
  lookupByRow: $('lookup-by-row'),
  lookupRepliedBy: $('lookup-replied-by'),
  lookupAtRow: $('lookup-at-row'),
  lookupRepliedAt: $('lookup-replied-at'),
};

const S = {
  socket: null,
  connStatus: 'idle',
  catalog: { categories: [], languages: [] },
  sessionId: '',
  token: '',
  lastMessageId: '',
  session: null,       // the last SessionUpdate
  resuming: false,     // a saved session is being resumed
  pending: null,       // {kind: 'start' | 'resume', requestId, frame} awaiting its first answer
  seen: new Set(),     // message ids already shown
  transcript: [],      // the messages shown, kept with the session so that a reload can show them again
  chatRequests: new Map(), // requestId -> text, to give the text back if the server refuses it
  rateRequestId: null,
  ratingSent: false,
  persist: false,      // whether the session belongs in sessionStorage
  messageFormOpen: false,   // the 留言 form is shown
  overflowSeen: '',         // the overflow reason for which the form was opened by itself
  leaveRequest: null,       // {requestId, frame, resend} awaiting its ticket
  ticket: null,             // the Ticket this session became
  ticketSaved: false,       // whether it could be kept in localStorage
  lookupBusy: false,
};

// ---- localStorage: the caller's tickets ----

function loadTickets() {
  try {
    const v = JSON.parse(localStorage.getItem(TICKETS_KEY) || '[]');
    return Array.isArray(v) ? v.filter((t) => t && t.ticketId && t.token) : [];
  } catch (e) {
    return [];
  }
}

function saveTicket(t) {
  if (!t || !t.ticketId || !t.token) return false;
  const entry = {
    ticketId: t.ticketId,
    token: t.token,
    kind: t.kind || 'MESSAGE',
    createdAtMs: t.createdAtMs || '0',
    replyDeadlineMs: t.replyDeadlineMs || '0',
  };
  const list = [entry, ...loadTickets().filter((x) => x.ticketId !== t.ticketId)].slice(0, 10);
  try {
    localStorage.setItem(TICKETS_KEY, JSON.stringify(list));
    return true;
  } catch (e) {
    return false; // storage disabled or full: the caller still sees the id and token on the page
  }
}

// ---- sessionStorage ----

function saveStore() {
  if (!S.persist || !S.sessionId || !S.token) return;
  // The transcript is kept too: a reload resumes after lastMessageId, so the server
  // re-sends only what came later.
  const data = {
    sessionId: S.sessionId, token: S.token, lastMessageId: S.lastMessageId, messages: S.transcript.slice(-500),
  };
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify(data));
  } catch (e) {
    // storage full: keep what is needed to resume
    sessionStorage.setItem(STORE_KEY, JSON.stringify({ ...data, messages: [], lastMessageId: '' }));
  }
}

function loadStore() {
  try {
    const v = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
    return v && v.sessionId && v.token ? v : null;
  } catch (e) {
    return null;
  }
}

function clearStore() {
  S.persist = false;
  sessionStorage.removeItem(STORE_KEY);
}

// ---- connection ----

function ensureSocket() {
  if (S.socket) {
    if (!S.socket.stopped) return S.socket;
    S.socket.connect();
    return S.socket;
  }
  S.socket = new JsonSocket('/ws/caller', {
    onOpen: onSocketOpen,
    onFrame: onFrame,
    onStatus: onSocketStatus,
  });
  S.socket.connect();
  return S.socket;
}

function closeSocket() {
  if (S.socket) S.socket.close();
}

function onSocketOpen() {
  if (S.sessionId && S.token) {
    const requestId = newRequestId();
    const frame = {
      requestId,
      resume: { sessionId: S.sessionId, token: S.token, lastMessageId: S.lastMessageId || '' },
    };
    S.pending = { kind: 'resume', requestId, frame };
    S.socket.send(frame);
  } else if (S.pending && S.pending.kind === 'start') {
    S.socket.send(S.pending.frame); // same requestId: a retry is safe
  }
  // A message sent on the connection that dropped is sent again once the session is resumed.
  if (S.leaveRequest) S.leaveRequest.resend = true;
  render();
}

function onSocketStatus(status) {
  S.connStatus = status;
  const text = {
    idle: '',
    connecting: '正在连接…',
    open: '',
    reconnecting: '连接中断，正在重新连接…',
    failed: '无法连接服务器，请稍后刷新页面重试。',
    closed: '',
  }[status] || '';
  ui.conn.textContent = S.resuming && status !== 'failed' ? '正在恢复您的会话…' : text;
  ui.conn.dataset.status = status;
  if (status === 'failed' && S.pending && S.pending.kind === 'start') S.pending = null;
  render();
}

// ---- frames from the server ----

function onFrame(frame) {
  if (frame.session) onSession(frame);
  else if (frame.chat) onChat(frame.chat);
  else if (frame.ticket) onTicket(frame);
  else if (frame.error) onError(frame);
}

function onSession(frame) {
  const s = frame.session;
  if (S.pending && (S.pending.kind === 'start' || S.pending.kind === 'resume')) S.pending = null;
  if (S.resuming) {
    S.resuming = false;
    ui.conn.textContent = '';
  }
  if (s.sessionId) S.sessionId = s.sessionId;
  if (s.token) S.token = s.token;
  S.session = s;

  const waitingNow = s.state === 'QUEUED' || s.state === 'OFFERED';
  if (waitingNow && s.overflowReason && S.overflowSeen !== s.overflowReason) {
    // The wait is long or nobody is on duty: offer the message form at once.
    S.overflowSeen = s.overflowReason;
    openMessageForm();
  }
  if (waitingNow && S.leaveRequest && S.leaveRequest.resend && S.socket && S.socket.isOpen && !S.pending) {
    S.leaveRequest.resend = false;
    S.socket.send(S.leaveRequest.frame); // same requestId: a retry is safe
  }
  if (!waitingNow) S.messageFormOpen = false;

  const st = s.state;
  const rated = !!s.rating && s.rating !== 'RATING_UNSPECIFIED';
  const answered = toNumber(s.answeredAtMs) > 0 || !!s.lawyerName;
  // A chat the lawyer sent on to another hotline ends as TRANSFERRED and can still be rated.
  if (st === 'ABANDONED' || st === 'OVERFLOWED' || (st === 'TRANSFERRED' && !answered) || rated) {
    // Nothing more to do with this session: a reload starts afresh.
    clearStore();
    // The ticket frame normally comes first; should it follow, keep the connection for it.
    if (!(st === 'OVERFLOWED' && S.leaveRequest && !S.ticket)) closeSocket();
  } else {
    S.persist = true;
    saveStore();
  }
  render();
}

function onTicket(frame) {
  const t = frame.ticket || {};
  if (S.leaveRequest && (!frame.requestId || frame.requestId === S.leaveRequest.requestId)) S.leaveRequest = null;
  S.ticket = t;
  S.ticketSaved = saveTicket(t);
  S.messageFormOpen = false;
  ui.messageError.clear();
  if (S.session && S.session.state === 'OVERFLOWED') closeSocket();
  if (t.ticketId && t.token) {
    ui.lookupId.value = t.ticketId;
    ui.lookupToken.value = t.token;
  }
  render();
}

function onChat(m) {
  if (!showMessage(m)) return;
  if (!S.lastMessageId || compareMessageIds(m.messageId, S.lastMessageId) > 0) S.lastMessageId = m.messageId;
  saveStore();
  render();
}

// Adds a message to the transcript unless it is there already; returns whether it was new.
function showMessage(m) {
  if (!m || !m.messageId || S.seen.has(m.messageId)) return false;
  if (S.sessionId && m.sessionId && m.sessionId !== S.sessionId) return false;
  S.seen.add(m.messageId);
  let at = S.transcript.length;
  while (at > 0 && compareMessageIds(S.transcript[at - 1].messageId, m.messageId) > 0) at -= 1;
  S.transcript.splice(at, 0, m);
  const node = renderMessage(m);
  // Keep transcript order by message id, whatever order the frames came in.
  let before = null;
  for (const li of ui.messages.children) {
    if (compareMessageIds(li.dataset.messageId, m.messageId) > 0) {
      before = li;
      break;
    }
  }
  ui.messages.insertBefore(node, before);
  if (!before) ui.messages.scrollTop = ui.messages.scrollHeight;
  return true;
}

function onError(frame) {
  const { code = '', message = '' } = frame.error || {};
  const rid = frame.requestId || '';
  const text = errorText(code, message);
  if (rid && S.leaveRequest && rid === S.leaveRequest.requestId) {
    S.leaveRequest = null;
    ui.messageError.error(text);
    render();
    return;
  }
  if (S.pending && (!rid || rid === S.pending.requestId)) {
    const kind = S.pending.kind;
    S.pending = null;
    if (kind === 'resume') {
      // The saved session cannot be resumed: forget it and start over.
      clearStore();
      resetSession();
      closeSocket();
      ui.error.error(`无法恢复之前的会话：${text} 请重新开始咨询。`);
      render();
      return;
    }
    ui.error.error(text);
    render();
    return;
  }
  if (rid && S.chatRequests.has(rid)) {
    const lost = S.chatRequests.get(rid);
    S.chatRequests.delete(rid);
    if (!ui.input.value) ui.input.value = lost;
  }
  if (rid && rid === S.rateRequestId) {
    S.rateRequestId = null;
    S.ratingSent = code === 'ALREADY_RATED';
  }
  ui.error.error(text);
  render();
}

// ---- actions ----

function startSession(ev) {
  ev.preventDefault();
  ui.error.clear();
  const category = ui.category.value;
  const language = ui.language.value;
  if (!category || !language) {
    ui.error.error('请选择咨询类别和语言。');
    return;
  }
  const start = { category, language };
  if (ui.priority.value) start.priority = ui.priority.value;
  const requestId = newRequestId();
  const frame = { requestId, start };
  S.pending = { kind: 'start', requestId, frame };
  const socket = ensureSocket();
  if (socket.isOpen) socket.send(frame); // otherwise onSocketOpen sends it
  render();
}

function sendEnd() {
  ui.error.clear();
  if (!S.socket || !S.socket.send({ requestId: newRequestId(), end: {} })) {
    ui.error.error('连接尚未建立，请稍候再试。');
  }
}

function sendChat(ev) {
  ev.preventDefault();
  const text = ui.input.value.trim();
  if (!text) return;
  const requestId = newRequestId();
  if (!S.socket || !S.socket.send({ requestId, chat: { text } })) {
    ui.error.error('连接已断开，消息未发送，请稍候再试。');
    return;
  }
  ui.error.clear();
  S.chatRequests.set(requestId, text);
  if (S.chatRequests.size > 50) S.chatRequests.delete(S.chatRequests.keys().next().value);
  ui.input.value = '';
  ui.input.focus();
}

function sendRating(rating) {
  ui.error.clear();
  const requestId = newRequestId();
  if (!S.socket || !S.socket.send({ requestId, rate: { rating } })) {
    ui.error.error('连接已断开，评价未提交，请稍候再试。');
    return;
  }
  S.rateRequestId = requestId;
  S.ratingSent = true;
  render();
}

// ---- 留言 / 回拨 ----

function openMessageForm() {
  S.messageFormOpen = true;
  ui.messageError.clear();
  render();
}

function updateMessageForm() {
  const callback = ui.ticketKind.value === 'CALLBACK';
  ui.ticketContactNeed.textContent = callback ? '（必填）' : '（可选）';
  ui.ticketContact.required = callback;
  ui.ticketSubmit.textContent = S.leaveRequest ? '正在提交…' : callback ? '预约回拨' : '提交留言';
  const bytes = utf8Length(ui.ticketQuestion.value.trim());
  ui.ticketQuestionCount.textContent = String(bytes);
  ui.ticketQuestionCount.classList.toggle('over', bytes > QUESTION_MAX_BYTES);
}

function sendLeaveMessage(ev) {
  ev.preventDefault();
  ui.messageError.clear();
  if (S.leaveRequest) return;
  const kind = ui.ticketKind.value || 'MESSAGE';
  const contact = ui.ticketContact.value.trim();
  const question = ui.ticketQuestion.value.trim();
  if (kind === 'CALLBACK' && !contact) {
    ui.messageError.error('预约回拨请填写联系电话。');
    ui.ticketContact.focus();
    return;
  }
  if (utf8Length(contact) > CONTACT_MAX_BYTES) {
    ui.messageError.error(`联系方式过长（最多 ${CONTACT_MAX_BYTES} 字节）。`);
    ui.ticketContact.focus();
    return;
  }
  if (!question) {
    ui.messageError.error('请填写您要咨询的问题。');
    ui.ticketQuestion.focus();
    return;
  }
  if (utf8Length(question) > QUESTION_MAX_BYTES) {
    ui.messageError.error(`问题过长（最多 ${QUESTION_MAX_BYTES} 字节，约 ${Math.floor(QUESTION_MAX_BYTES / 3)} 个汉字）。`);
    ui.ticketQuestion.focus();
    return;
  }
  const leaveMessage = { kind, question };
  if (contact) leaveMessage.contact = contact;
  const requestId = newRequestId();
  const frame = { requestId, leaveMessage };
  if (!S.socket || !S.socket.send(frame)) {
    ui.messageError.error('连接已断开，留言未提交，请稍候再试。');
    return;
  }
  S.leaveRequest = { requestId, frame, resend: false };
  render();
}

// ---- looking up a ticket's answer ----

async function lookupTicket(ev) {
  ev.preventDefault();
  ui.lookupError.clear();
  const ticketId = ui.lookupId.value.trim();
  const token = ui.lookupToken.value.trim();
  if (!ticketId || !token) {
    ui.lookupError.error('请输入留言编号和查询码。');
    return;
  }
  S.lookupBusy = true;
  render();
  try {
    const t = await api('/api/v1/tickets/lookup', { method: 'POST', body: { ticketId, token } });
    renderLookup(t);
  } catch (err) {
    show(ui.lookupResult, false);
    ui.lookupError.error(err.message);
  } finally {
    S.lookupBusy = false;
    render();
  }
}

function renderLookup(t) {
  const state = t.state || 'TICKET_STATE_UNSPECIFIED';
  const callback = t.kind === 'CALLBACK';
  const replied = !!t.reply || toNumber(t.repliedAtMs) > 0 || state === 'REPLIED';
  const callbackMade = t.replyKind === 'CALLBACK_MADE';
  ui.lookupResult.dataset.state = state;
  ui.lookupState.textContent = TICKET_STATE_LABELS[state] || state;
  ui.lookupState.dataset.state = state;
  let status;
  if (replied && callbackMade) {
    status = `律师已于 ${formatDateTime(t.repliedAtMs) || '—'} 回电`;
  } else if (replied) {
    status = '律师已答复';
  } else {
    const due = formatDateTime(t.replyDeadlineMs);
    const what = callback ? '回电' : '答复';
    status = due ? `律师尚未${what}，预计在 ${due} 前${what}` : `律师尚未${what}`;
  }
  if (state === 'DUPLICATE') {
    status = `同一问题今日已收到${t.duplicateOf ? `（留言编号 ${t.duplicateOf}）` : ''}。${status}`;
  }
  ui.lookupStatus.textContent = status;
  ui.lookupQuestion.textContent = t.question || '—';
  show(ui.lookupReplyRow, replied);
  ui.lookupReplyLabel.textContent = callbackMade ? '通话记录' : '律师答复';
  ui.lookupReply.textContent = t.reply || '';
  show(ui.lookupByRow, replied);
  ui.lookupRepliedBy.textContent = t.repliedByName || '—';
  show(ui.lookupAtRow, replied);
  ui.lookupRepliedAt.textContent = formatDateTime(t.repliedAtMs) || '—';
  show(ui.lookupResult, true);
}

function resetSession() {
  S.sessionId = '';
  S.token = '';
  S.lastMessageId = '';
  S.session = null;
  S.resuming = false;
  S.pending = null;
  S.seen.clear();
  S.transcript = [];
  S.chatRequests.clear();
  S.rateRequestId = null;
  S.ratingSent = false;
  S.messageFormOpen = false;
  S.overflowSeen = '';
  S.leaveRequest = null;
  S.ticket = null;
  S.ticketSaved = false;
  ui.messageError.clear();
  ui.ticketQuestion.value = '';
  ui.messages.replaceChildren();
}

function restart() {
  clearStore();
  closeSocket();
  resetSession();
  ui.error.clear();
  ui.input.value = '';
  render();
  ui.category.focus();
}

// ---- rendering ----

function renderMessage(m) {
  const from = m.from || 'SYSTEM';
  let who;
  let cls;
  if (from === 'CALLER') {
    who = '我';
    cls = 'mine';
  } else if (from === 'LAWYER') {
    who = m.senderName || (S.session && S.session.lawyerName) || '值班律师';
    cls = 'theirs';
  } else {
    who = '系统消息';
    cls = 'system';
  }
  return el('li', {
    class: `msg ${cls}`,
    dataset: { messageId: m.messageId, from, testid: 'chat-message' },
  },
  el('div', { class: 'msg-meta' }, el('span', { class: 'msg-who' }, who), ' ',
    el('time', { class: 'msg-time' }, formatClock(m.sentAtMs))),
  el('p', { class: 'msg-text' }, m.text || ''));
}

function formatWait(seconds) {
  const s = toNumber(seconds);
  if (s <= 0) return '即将接通';
  if (s < 60) return `约 ${s} 秒`;
  return `约 ${Math.ceil(s / 60)} 分钟`;
}

function render() {
  const s = S.session;
  const st = s ? s.state : '';
  const open = !!S.socket && S.socket.isOpen;
  const waiting = st === 'QUEUED' || st === 'OFFERED';
  const connected = st === 'CONNECTED';
  const answered = !!s && (toNumber(s.answeredAtMs) > 0 || !!s.lawyerName);
  // TRANSFERRED: sent on to another hotline — after a talk it ends like CLOSED (rating), before one it is gone.
  const ended = st === 'WRAP_UP' || st === 'CLOSED' || (st === 'TRANSFERRED' && answered);
  const gone = st === 'ABANDONED' || st === 'OVERFLOWED' || (st === 'TRANSFERRED' && !answered);
  const rated = !!s && !!s.rating && s.rating !== 'RATING_UNSPECIFIED';
  const starting = !!S.pending && S.pending.kind === 'start';

  show(ui.startPanel, !s && !S.resuming);
  const catalogReady = ui.category.options.length > 1;
  ui.startBtn.disabled = starting || !catalogReady;
  ui.startBtn.textContent = starting ? '正在连接…' : '开始咨询';

  // waiting in line
  show(ui.queuePanel, waiting);
  if (waiting) {
    const transferred = toNumber(s.transfers) > 0;
    if (st === 'OFFERED') ui.queueStatus.textContent = '正在为您接通律师…';
    else if (transferred) ui.queueStatus.textContent = `已为您转接至${nameOf(S.catalog.categories, s.category)}，请稍候`;
    else ui.queueStatus.textContent = '正在排队，请稍候';
    ui.queueStatus.dataset.transferred = String(transferred);
    const pos = toNumber(s.position);
    ui.position.textContent = pos > 0 ? `第 ${pos} 位` : '正在接通';
    ui.wait.textContent = st === 'OFFERED' ? '即将接通' : formatWait(s.estimatedWaitSeconds);
    ui.leaveBtn.disabled = !open;

    const reason = s.overflowReason || '';
    show(ui.overflowOffer, !!reason);
    if (reason) {
      ui.overflowOffer.dataset.reason = reason;
      ui.overflowText.textContent = `${OVERFLOW_REASON_LABELS[reason] || '暂时无法接通'}，您可以留言或预约回拨`;
    }
    show(ui.messageBtn, !S.messageFormOpen);
    ui.messageBtn.disabled = !open;
    ui.messageBtn.setAttribute('aria-expanded', String(S.messageFormOpen));
    ui.messageBtn.textContent = reason ? '留言或预约回拨' : '留言';
  }
  show(ui.messageForm, waiting && S.messageFormOpen);
  if (waiting && S.messageFormOpen) {
    updateMessageForm();
    ui.ticketSubmit.disabled = !open || !!S.leaveRequest;
    ui.ticketCancel.disabled = !!S.leaveRequest;
  }
  updateWaited();

  // transcript
  show(ui.chatPanel, connected || ended || ((waiting || gone) && ui.messages.children.length > 0));
  if (s) {
    const topic = `${nameOf(S.catalog.categories, s.category)} · ${nameOf(S.catalog.languages, s.language)}`;
    // while waiting again after a transfer the earlier lawyer is not named
    ui.lawyerName.textContent = s.lawyerName && !waiting ? `值班律师：${s.lawyerName}` : topic;
    ui.lawyerName.title = topic;
    ui.sessionState.textContent = SESSION_STATE_LABELS[st] || st;
    ui.sessionState.dataset.state = st;
  }
  show(ui.compose, connected);
  ui.input.disabled = !connected || !open;
  ui.sendBtn.disabled = !connected || !open;
  show(ui.endBtn, connected);
  ui.endBtn.disabled = !open;

  // rating and the end
  show(ui.ratingPanel, ended && answered && !rated);
  for (const b of ui.ratingPanel.querySelectorAll('button.rate')) b.disabled = S.ratingSent || !open;
  show(ui.thanksPanel, ended && (rated || !answered));
  if (ended) {
    if (rated) {
      const label = (RATING_OPTIONS.find(([v]) => v === s.rating) || [])[1] || '';
      ui.thanksTitle.textContent = '感谢您的评价！';
      ui.thanksText.textContent = `您的评价：${label}。如有新的法律问题，欢迎再次咨询，或拨打 12348 热线。`;
    } else {
      ui.thanksTitle.textContent = '本次咨询已结束';
      ui.thanksText.textContent = '如有新的法律问题，欢迎再次咨询，或拨打 12348 热线。';
    }
    if (s.transferredTo) ui.thanksText.textContent = `${ui.thanksText.textContent} 您咨询的事项请拨打 ${s.transferredTo} 办理。`;
  }
  // the ticket this session became
  const t = S.ticket;
  show(ui.ticketPanel, !!t);
  if (t) {
    const callback = t.kind === 'CALLBACK';
    const duplicate = t.state === 'DUPLICATE';
    ui.ticketPanel.dataset.state = t.state || '';
    ui.ticketTitle.textContent = duplicate ? '同一问题今日已收到' : callback ? '您的回拨预约已收到' : '您的留言已收到';
    show(ui.ticketDuplicate, duplicate);
    ui.ticketDuplicate.textContent = duplicate
      ? `您今天已提交过相同的问题${t.duplicateOf ? `（留言编号 ${t.duplicateOf}）` : ''}，无需重复留言，律师的答复可用下面的编号和查询码查看。`
      : '';
    ui.ticketId.textContent = t.ticketId || '—';
    ui.ticketToken.textContent = t.token || '—';
    const due = formatDateTime(t.replyDeadlineMs);
    ui.ticketDeadline.textContent = due
      ? (callback ? `律师将在 ${due} 前给您回电${t.contact ? `（${t.contact}）` : ''}。` : `律师将在 ${due} 前答复。`)
      : '律师会尽快答复。';
    ui.ticketSaved.textContent = S.ticketSaved
      ? '留言编号和查询码已保存在本浏览器，下次打开本页时会自动填好。'
      : '本浏览器无法保存留言编号和查询码，请务必抄下。';
  }

  // the lawyer sent the caller on to another hotline (set from WRAP_UP on, final state TRANSFERRED)
  const dest = (s && s.transferredTo) || '';
  show(ui.transferAdvice, !!dest);
  if (dest) {
    const name = nameOf(S.catalog.transferDestinations, dest);
    ui.transferAdvice.dataset.destination = dest;
    ui.transferAdvice.textContent = name && name !== dest ? `律师建议您拨打 ${dest}（${name}）` : `律师建议您拨打 ${dest}`;
  }

  show(ui.endedPanel, gone && !(st === 'OVERFLOWED' && t));
  if (gone) {
    ui.endedTitle.textContent = {
      ABANDONED: '您已离开排队',
      OVERFLOWED: '您的咨询已转为留言',
      TRANSFERRED: '您的咨询已转接',
    }[st];
    ui.endedText.textContent = st === 'ABANDONED'
      ? '如需咨询，可以重新排队，或拨打 12348 热线。'
      : st === 'OVERFLOWED' && s.ticketId
        ? `留言编号 ${s.ticketId}。律师答复后，可凭留言编号和查询码在下方查询。`
        : st === 'TRANSFERRED' && dest
        ? '该问题由上述热线受理更为合适。如需继续咨询法律问题，可以重新开始，或拨打 12348 热线。'
        : '工作人员会尽快处理。如需继续咨询，可以重新开始，或拨打 12348 热线。';
  }

  // looking up an answer: whenever the caller is not in line or in a chat
  const ratingAsked = ended && answered && !rated;
  show(ui.lookupPanel, !S.resuming && !waiting && !connected && !ratingAsked);
  ui.lookupBtn.disabled = S.lookupBusy;
  ui.lookupBtn.textContent = S.lookupBusy ? '正在查询…' : '查询';
}

// "已等待 …" under the queue figures, ticking every second.
function updateWaited() {
  const s = S.session;
  if (!s || (s.state !== 'QUEUED' && s.state !== 'OFFERED')) return;
  const topic = `${nameOf(S.catalog.categories, s.category)} · ${nameOf(S.catalog.languages, s.language)}`;
  const since = toNumber(s.enqueuedAtMs);
  ui.queueInfo.textContent = since > 0
    ? `${topic}　已等待 ${formatDuration((Date.now() - since) / 1000)}`
    : topic;
}

// ---- start-up ----

function init() {
  fillSelect(ui.priority, PRIORITY_OPTIONS);
  ui.startForm.addEventListener('submit', startSession);
  ui.leaveBtn.addEventListener('click', sendEnd);
  ui.endBtn.addEventListener('click', sendEnd);
  ui.compose.addEventListener('submit', sendChat);
  ui.input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      ui.compose.requestSubmit();
    }
  });
  for (const b of ui.ratingPanel.querySelectorAll('button.rate')) {
    b.addEventListener('click', () => sendRating(b.dataset.rating));
  }
  for (const b of document.querySelectorAll('button.restart')) b.addEventListener('click', restart);
  fillSelect(ui.ticketKind, TICKET_KIND_OPTIONS);
  ui.messageBtn.addEventListener('click', () => {
    openMessageForm();
    ui.ticketQuestion.focus();
  });
  ui.ticketCancel.addEventListener('click', () => {
    S.messageFormOpen = false;
    ui.messageError.clear();
    render();
  });
  ui.ticketKind.addEventListener('change', updateMessageForm);
  ui.ticketQuestion.addEventListener('input', updateMessageForm);
  ui.messageForm.addEventListener('submit', sendLeaveMessage);
  ui.lookupForm.addEventListener('submit', lookupTicket);
  const lastTicket = loadTickets()[0];
  if (lastTicket) {
    ui.lookupId.value = lastTicket.ticketId;
    ui.lookupToken.value = lastTicket.token;
  }
  setInterval(updateWaited, 1000);

  const saved = loadStore();
  if (saved) {
    S.sessionId = saved.sessionId;
    S.token = saved.token;
    S.lastMessageId = saved.lastMessageId || '';
    for (const m of Array.isArray(saved.messages) ? saved.messages : []) showMessage(m);
    S.persist = true;
    S.resuming = true;
    ensureSocket();
  }
  render();

  loadCatalog().then((catalog) => {
    S.catalog = catalog;
    fillSelect(ui.category, catalog.categories.map((c) => [c.code, c.name]), { placeholder: '请选择咨询类别' });
    fillSelect(ui.language, catalog.languages.map((l) => [l.code, l.name]), { placeholder: '请选择语言' });
    if (catalog.languages.length > 0) ui.language.value = catalog.languages[0].code;
    ui.category.disabled = false;
    ui.language.disabled = false;
    render();
  }).catch((err) => {
    ui.error.error(`无法加载咨询类别：${err.message}`);
    fillSelect(ui.category, [], { placeholder: '加载失败' });
    fillSelect(ui.language, [], { placeholder: '加载失败' });
  });
}

init();
