// The citizen's chat page: choose a category and language, wait in line, chat with the duty
// lawyer, rate the answer. Talks to /ws/caller; survives a reload by resuming with the
// session token kept in sessionStorage.
import {
  errorText,
  JsonSocket, PRIORITY_OPTIONS, RATING_OPTIONS, SESSION_STATE_LABELS, banner, compareMessageIds,
  el, fillSelect, formatClock, formatDuration, loadCatalog, nameOf, newRequestId, show, toNumber,
} from './common.js';

const STORE_KEY = 'hotline.caller.session';
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
};

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

  const st = s.state;
  const rated = !!s.rating && s.rating !== 'RATING_UNSPECIFIED';
  if (st === 'ABANDONED' || st === 'OVERFLOWED' || st === 'TRANSFERRED' || rated) {
    // Nothing more to do with this session: a reload starts afresh.
    clearStore();
    closeSocket();
  } else {
    S.persist = true;
    saveStore();
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
  const ended = st === 'WRAP_UP' || st === 'CLOSED';
  const gone = st === 'ABANDONED' || st === 'OVERFLOWED' || st === 'TRANSFERRED';
  const rated = !!s && !!s.rating && s.rating !== 'RATING_UNSPECIFIED';
  const answered = !!s && (toNumber(s.answeredAtMs) > 0 || !!s.lawyerName);
  const starting = !!S.pending && S.pending.kind === 'start';

  show(ui.startPanel, !s && !S.resuming);
  const catalogReady = ui.category.options.length > 1;
  ui.startBtn.disabled = starting || !catalogReady;
  ui.startBtn.textContent = starting ? '正在连接…' : '开始咨询';

  // waiting in line
  show(ui.queuePanel, waiting);
  if (waiting) {
    ui.queueStatus.textContent = st === 'OFFERED' ? '正在为您接通律师…' : '正在排队，请稍候';
    const pos = toNumber(s.position);
    ui.position.textContent = pos > 0 ? `第 ${pos} 位` : '正在接通';
    ui.wait.textContent = st === 'OFFERED' ? '即将接通' : formatWait(s.estimatedWaitSeconds);
    ui.leaveBtn.disabled = !open;
  }
  updateWaited();

  // transcript
  show(ui.chatPanel, connected || ended || ((waiting || gone) && ui.messages.children.length > 0));
  if (s) {
    const topic = `${nameOf(S.catalog.categories, s.category)} · ${nameOf(S.catalog.languages, s.language)}`;
    ui.lawyerName.textContent = s.lawyerName ? `值班律师：${s.lawyerName}` : topic;
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
  }
  show(ui.endedPanel, gone);
  if (gone) {
    ui.endedTitle.textContent = {
      ABANDONED: '您已离开排队',
      OVERFLOWED: '您的咨询已转为留言',
      TRANSFERRED: '您的咨询已转接',
    }[st];
    ui.endedText.textContent = st === 'ABANDONED'
      ? '如需咨询，可以重新排队，或拨打 12348 热线。'
      : '工作人员会尽快处理。如需继续咨询，可以重新开始，或拨打 12348 热线。';
  }
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
