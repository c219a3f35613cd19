// Shared helpers of the three hotline pages: HTTP + WebSocket wrappers, the catalog,
// zh-CN labels of the protocol's enums, and small formatting / DOM utilities.
// Wire format: the proto3 JSON mapping of proto/hotline.proto (int64 values arrive as strings).

// ---- labels of the protocol's enum names ----

export const PRIORITY_OPTIONS = [
  ['', '无（普通咨询）'],
  ['ELDERLY', '老年人'],
  ['DISABLED', '残疾人'],
  ['MINOR', '未成年人'],
  ['MIGRANT_WAGES', '农民工讨薪'],
];

export const PRIORITY_LABELS = {
  PRIORITY_UNSPECIFIED: '普通',
  ELDERLY: '老年人',
  DISABLED: '残疾人',
  MINOR: '未成年人',
  MIGRANT_WAGES: '农民工讨薪',
  URGENT: '紧急',
};

export const SESSION_STATE_LABELS = {
  SESSION_STATE_UNSPECIFIED: '未知',
  QUEUED: '排队中',
  OFFERED: '正在接通',
  CONNECTED: '已接通',
  WRAP_UP: '已结束（整理工单）',
  CLOSED: '已结束',
  ABANDONED: '已放弃',
  OVERFLOWED: '已转留言',
  TRANSFERRED: '已转接',
};

export const AGENT_STATUS_LABELS = {
  AGENT_STATUS_UNSPECIFIED: '未知',
  AVAILABLE: '在线',
  AWAY: '离开',
  OFFLINE: '离线',
};

export const RATING_OPTIONS = [
  ['SATISFIED', '满意'],
  ['BASIC_SATISFIED', '基本满意'],
  ['DISSATISFIED', '不满意'],
];

export const WORK_ORDER_TYPE_OPTIONS = [
  ['CONSULTATION', '咨询'],
  ['COMPLAINT', '投诉'],
  ['SUGGESTION', '建议'],
];

export const OUTCOME_OPTIONS = [
  ['RESOLVED', '已解答'],
  ['REFERRED', '引导至其他机构'],
  ['LEGAL_AID', '转法律援助'],
  ['FOLLOW_UP', '需后续跟进'],
];

// 留言 (a written answer) or 回拨 (a lawyer calls back).
export const TICKET_KIND_OPTIONS = [
  ['MESSAGE', '留言'],
  ['CALLBACK', '回拨'],
];

export const TICKET_KIND_LABELS = {
  TICKET_KIND_UNSPECIFIED: '留言',
  MESSAGE: '留言',
  CALLBACK: '预约回拨',
};

export const TICKET_STATE_LABELS = {
  TICKET_STATE_UNSPECIFIED: '未知',
  OPEN: '待答复',
  REPLIED: '已答复',
  DUPLICATE: '重复留言',
};

// SessionUpdate.overflowReason: why the caller is offered a message or callback.
export const OVERFLOW_REASON_LABELS = {
  max_wait: '排队较久',
  no_lawyer_on_duty: '暂无律师值班',
};

// AgentState.statusReason: who or what set a lawyer's status last ("lawyer": they did).
export const STATUS_REASON_LABELS = {
  missed_offers: '连续未接，已自动置为离开',
  disconnected: '连接中断，已自动置为离线',
  access_ended: '账号已停用或变更，已签退',
  lawyer: '本人设置',
};

export function statusReasonText(reason) {
  if (!reason) return '';
  return STATUS_REASON_LABELS[reason] || reason;
}

// Whether the status was set by routing rather than by the lawyer (worth a notice on the console).
export function statusSetByRouting(reason) {
  return !!reason && reason !== 'lawyer';
}

export const CHANNEL_LABELS = {
  CHANNEL_UNSPECIFIED: '未知',
  CHAT: '在线文字',
  PHONE: '电话',
};

// ---- HTTP ----

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

// Chinese wording of the server's stable error codes; the server's own message follows in brackets
// so that support staff can match it to the logs.
const ERROR_TEXT = {
  BAD_FRAME: '请求格式有误',
  BAD_REQUEST: '请求内容不完整或有误',
  UNKNOWN_CATEGORY: '没有这个咨询类别',
  UNKNOWN_LANGUAGE: '没有这个服务语言',
  NOT_AUTHENTICATED: '尚未登录或登录已过期',
  FORBIDDEN: '此账号无权进行该操作',
  INVALID_CREDENTIALS: '用户名或密码错误',
  ACCOUNT_DISABLED: '此账号已停用',
  SESSION_NOT_FOUND: '找不到该会话',
  INVALID_STATE: '当前状态下不能进行该操作',
  OFFER_GONE: '该来电已被接起、撤回或超时',
  ALREADY_RATED: '已经评价过了',
  NO_SESSION: '请先开始咨询',
  SESSION_ACTIVE: '已有进行中的咨询',
  TOO_LARGE: '内容过长',
  ORIGIN_FORBIDDEN: '来源页面不被允许',
  NOT_FOUND: '找不到请求的内容',
  STORE_UNAVAILABLE: '系统繁忙，请稍后重试',
  INTERNAL: '系统内部错误',
  BALANCE_VIOLATION: '报表数据不平衡，已拒绝输出',
  ACCOUNT_EXISTS: '该账号已存在',
  TOO_MANY_SESSIONS: '已达到同时接待的会话上限',
  QUEUE_FULL: '当前排队人数已满，请留言或稍后再试',
  TICKET_NOT_FOUND: '找不到该留言，请核对留言编号和查询码',
  UNKNOWN_DESTINATION: '没有这个转接热线',
};

export function errorText(code, message) {
  const zh = ERROR_TEXT[code];
  if (zh && message) return `${zh}（${message}）`;
  return zh || message || code || '服务器返回了错误。';
}

// Performs a request and returns the Response once its status is 2xx; otherwise throws an
// ApiError carrying the server's error.code and error.message.
export async function request(path, { method = 'GET', body, token, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (token) h['Authorization'] = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError('NETWORK', '无法连接服务器，请检查网络后重试。', 0);
  }
  if (!res.ok) {
    let code = `HTTP_${res.status}`;
    let message = `服务器返回错误（HTTP ${res.status}）。`;
    try {
      const data = JSON.parse(await res.text());
      if (data && data.error) {
        code = data.error.code || code;
        message = data.error.message || message;
      }
    } catch (e) {
      // not a JSON error body; keep the generic message
    }
    throw new ApiError(code, errorText(code, message), res.status);
  }
  return res;
}

export async function api(path, options) {
  const res = await request(path, options);
  const text = await res.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError('BAD_RESPONSE', '服务器返回了无法解析的数据。', res.status);
  }
}

export function login(username, password) {
  return api('/api/v1/auth/login', { method: 'POST', body: { username, password } });
}

// Deletes the token on the server; a token that is already gone is no error here.
export function logoutOnServer(token) {
  if (!token) return Promise.resolve();
  return api('/api/v1/auth/logout', { method: 'POST', token }).catch(() => {});
}

// A staff WebSocket's path, made afresh for each (re)connect with a single-use pass: the login
// token itself never goes into a URL (where proxies and logs would keep it).
export function staffSocketPath(path, token) {
  return async () => {
    const p = await api('/api/v1/auth/socket-pass', { method: 'POST', token });
    return `${path}${path.includes('?') ? '&' : '?'}pass=${encodeURIComponent(p.pass || '')}`;
  };
}

let catalogPromise = null;

// The centre's categories, languages and the hotlines a lawyer may send a caller to,
// fetched once per page.
export function loadCatalog() {
  if (!catalogPromise) {
    catalogPromise = api('/api/v1/catalog').then((c) => ({
      centre: c.centre || '',
      categories: Array.isArray(c.categories) ? c.categories : [],
      languages: Array.isArray(c.languages) ? c.languages : [],
      transferDestinations: Array.isArray(c.transferDestinations) ? c.transferDestinations : [],
    }));
    catalogPromise.catch(() => {
      catalogPromise = null; // allow a retry after a failure
    });
  }
  return catalogPromise;
}

export function nameOf(entries, code) {
  const e = (entries || []).find((x) => x.code === code);
  return e ? e.name : code || '—';
}

// A login kept in sessionStorage (per tab; a reload keeps it, closing the tab forgets it).
export function authStore(key) {
  return {
    load() {
      try {
        const v = JSON.parse(sessionStorage.getItem(key) || 'null');
        if (!v || !v.token) return null;
        const exp = toNumber(v.expiresAtMs);
        if (exp && exp <= Date.now()) {
          sessionStorage.removeItem(key);
          return null;
        }
        return v;
      } catch (e) {
        return null;
      }
    },
    save(v) {
      sessionStorage.setItem(key, JSON.stringify(v));
    },
    clear() {
      sessionStorage.removeItem(key);
    },
  };
}

// ---- WebSocket ----

let requestCounter = 0;
export function newRequestId() {
  requestCounter += 1;
  return `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}${requestCounter}`;
}

export function wsUrl(path) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

// A JSON-over-WebSocket connection that reconnects with backoff after an unexpected close.
// Callbacks: onOpen() after each (re)connect, onFrame(obj) per text frame,
// onStatus(status) with 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed'.
// It gives up ('failed') after maxFailures consecutive attempts that never opened.
// `path` is a string, or an async function giving one per attempt (staffSocketPath); when that
// function is refused (HTTP 401/403) the socket stops and onAuthError(err) is called.
export class JsonSocket {
  constructor(path, { onOpen, onFrame, onStatus, onAuthError, maxFailures = 8 } = {}) {
    this.path = path;
    this.onAuthError = onAuthError || (() => {});
    this.onOpen = onOpen || (() => {});
    this.onFrame = onFrame || (() => {});
    this.onStatus = onStatus || (() => {});
    this.maxFailures = maxFailures;
    this.ws = null;
    this.failures = 0;
    this.everOpened = false;
    this.stopped = false;
    this.timer = null;
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    this.stopped = false;
    this.failures = 0;
    this.everOpened = false;
    this.open();
  }

  async open() {
    clearTimeout(this.timer);
    this.onStatus(this.everOpened || this.failures > 0 ? 'reconnecting' : 'connecting');
    let opened = false;
    let ws;
    try {
      const path = typeof this.path === 'function' ? await this.path() : this.path;
      if (this.stopped) return;
      ws = new WebSocket(wsUrl(path));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        this.stopped = true;
        this.onStatus('closed');
        this.onAuthError(e);
        return;
      }
      this.failures += 1;
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      opened = true;
      this.everOpened = true;
      this.failures = 0;
      this.onStatus('open');
      this.onOpen();
    });
    ws.addEventListener('message', (ev) => {
      if (typeof ev.data !== 'string') return; // binary frames carry protobuf; this page speaks JSON
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch (e) {
        console.warn('unparseable frame', ev.data);
        return;
      }
      this.onFrame(frame);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) {
        this.onStatus('closed');
        return;
      }
      if (!opened) this.failures += 1;
      this.scheduleRetry();
    });
  }

  scheduleRetry() {
    if (this.failures >= this.maxFailures) {
      this.stopped = true;
      this.onStatus('failed');
      return;
    }
    this.onStatus('reconnecting');
    const delay = Math.min(10000, 500 * 2 ** Math.min(this.failures, 5));
    this.timer = setTimeout(() => this.open(), delay);
  }

  // Sends one frame; returns false when the connection is not open.
  send(frame) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
      this.onStatus('closed');
    }
  }
}

// ---- numbers, times, message ids ----

export function toNumber(v) {
  if (v === undefined || v === null || v === '') return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

// Rates are fractions 0..1 and absent when their denominator is zero.
export function formatPercent(v) {
  if (v === undefined || v === null || v === '' || !Number.isFinite(Number(v))) return '—';
  return `${(Number(v) * 100).toFixed(1)}%`;
}

export function formatCount(v) {
  if (v === undefined || v === null || v === '') return '—';
  return toNumber(v).toLocaleString('zh-CN');
}

export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} 秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} 分 ${s % 60} 秒`;
  return `${Math.floor(m / 60)} 小时 ${m % 60} 分`;
}

export function formatClock(ms) {
  const n = toNumber(ms);
  if (!n) return '';
  const d = new Date(n);
  const pad = (x) => String(x).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// "2024-05-01 14:03" in the page's time zone.
export function formatDateTime(ms) {
  const n = toNumber(ms);
  if (!n) return '';
  const d = new Date(n);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// Length of a string in UTF-8 bytes (the server's limits are in bytes).
export function utf8Length(text) {
  return new TextEncoder().encode(String(text || '')).length;
}

// Transcript ids are Redis stream ids "<ms>-<seq>"; order them numerically.
export function compareMessageIds(a, b) {
  const [am, as = '0'] = String(a || '0-0').split('-');
  const [bm, bs = '0'] = String(b || '0-0').split('-');
  const d = toNumber(am) - toNumber(bm);
  if (d !== 0) return d < 0 ? -1 : 1;
  const e = toNumber(as) - toNumber(bs);
  return e < 0 ? -1 : e > 0 ? 1 : 0;
}

// ---- DOM ----

// el('button', {class: 'x', dataset: {k: 'v'}, onclick: fn}, 'text', child…) — text is never parsed as HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'text') node.textContent = v;
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function fillSelect(select, options, { placeholder } = {}) {
  select.replaceChildren();
  if (placeholder) select.append(el('option', { value: '' }, placeholder));
  for (const [value, label] of options) select.append(el('option', { value }, label));
}

export function show(node, visible) {
  if (node) node.hidden = !visible;
}

// A message banner (role=alert for errors) that can be shown and cleared.
export function banner(node) {
  return {
    error(message) {
      node.textContent = message;
      node.className = 'banner banner-error';
      node.setAttribute('role', 'alert');
      node.hidden = false;
    },
    info(message) {
      node.textContent = message;
      node.className = 'banner banner-info';
      node.setAttribute('role', 'status');
      node.hidden = false;
    },
    clear() {
      node.textContent = '';
      node.hidden = true;
    },
  };
}

// ---- the staff pages' login form ----

// Wires the login form that the console and the dashboard share: #login-section holding
// #login-form (#username, #password, #login-btn) and its #login-error banner; page-wide
// errors go to #error. On submit it logs in, then toAuth(res, username) turns the response
// into the record kept in `store` — or returns a string, the page's reason for refusing the
// account, shown on the form (nothing is stored). onLogin(record) then opens the page.
// Returns restore() (the stored login, or null with the form focused) and
// signOut(message) (forget the login and show the form again, with message if any).
export function loginForm({ store, toAuth, onLogin }) {
  const $ = (id) => document.getElementById(id);
  const section = $('login-section');
  const form = $('login-form');
  const usernameInput = $('username');
  const passwordInput = $('password');
  const button = $('login-btn');
  const loginError = banner($('login-error'));
  const pageError = banner($('error'));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    loginError.clear();
    pageError.clear();
    const username = usernameInput.value.trim();
    const password = passwordInput.value;
    if (!username || !password) {
      loginError.error('请输入用户名和密码。');
      return;
    }
    button.disabled = true;
    button.textContent = '正在登录…';
    try {
      const res = await login(username, password);
      const record = toAuth(res, username);
      if (typeof record === 'string') {
        loginError.error(record);
        return;
      }
      store.save(record);
      passwordInput.value = '';
      onLogin(record);
    } catch (err) {
      loginError.error(err.message);
    } finally {
      button.disabled = false;
      button.textContent = '登录';
    }
  });

  return {
    restore() {
      const record = store.load();
      if (!record) usernameInput.focus();
      return record;
    },
    signOut(message) {
      store.clear();
      show(section, true);
      pageError.clear();
      if (message) loginError.error(message);
      usernameInput.focus();
    },
  };
}
