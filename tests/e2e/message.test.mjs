// A caller who waits too long (routing.max_wait_seconds) or finds no lawyer on duty leaves a
// message (留言) or asks for a callback (回拨) instead; a lawyer answers it from the console's
// 留言与回拨 panel, and the caller reads the answer later with the ticket's id and token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  http, int64, loginHttp, openConsole, pollSummary, startCallerChat, startStack, waitFor, waitForText, waitHidden,
  waitVisible,
} from './harness.mjs';

const MAX_WAIT_SECONDS = 2;
// The lawyer exists for the skill but is not on duty while the callers wait.
const LAWYER = {
  username: 'lawyer.xu', password: 'Xu-Pass-2024', role: 'LAWYER', name: '徐律师',
  categories: ['consult.marriage'], languages: ['zh'],
};
// On duty in the first test and the last but one, each time busy with one chat (capacity 1), so
// that the next caller waits with a lawyer on duty until max_wait_seconds passes.
const BUSY_LAWYER = {
  username: 'lawyer.lu', password: 'Lu-Pass-2024', role: 'LAWYER', name: '陆律师',
  categories: ['consult.marriage'], languages: ['zh'], chatCapacity: 1,
};
const SUPERVISOR = { username: 'super.qian', password: 'Qian-Pass-2024', role: 'SUPERVISOR', name: '钱主管' };
const TICKETS_KEY = 'hotline.caller.tickets';

const QUESTION = '我和丈夫分居两年了，可以直接起诉离婚吗？需要准备哪些材料？';
const CONTACT = '13900001111';
const REPLY = '分居满两年可作为感情破裂的证据之一。请准备结婚证、身份证、分居证明，向被告住所地法院起诉。';
const CALLBACK_QUESTION = '前夫不按判决支付抚养费，我该怎么申请强制执行？';
const CALLBACK_CONTACT = '13800002222';
const CALLBACK_LOG = '已于今日回电，告知可向原审法院申请强制执行，并说明所需材料。';

let stack;
let browser;
let first = null; // {ticketId, token} of the first test's ticket

before(async () => {
  stack = await startStack({
    name: 'message',
    accounts: [LAWYER, BUSY_LAWYER, SUPERVISOR],
    // one waiting caller per skill at a time in every test; the last one fills the line
    config: { routing: { max_wait_seconds: MAX_WAIT_SECONDS, max_queue_length: 1, reconnect_grace_seconds: 20 } },
  });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

// Starts a chat and waits until the page offers 留言 / 回拨 (the session's overflowReason).
async function waitForOverflowOffer(label) {
  const c = await startCallerChat(stack, browser, stack.baseUrl, label);
  await waitForText(c.page, '#position', /第\s*1\s*位/, `${label}: place 1 in line`);
  await waitVisible(c.page, '#overflow-offer', `${label}: the 留言/回拨 offer once the wait passed ${MAX_WAIT_SECONDS} s`,
    (MAX_WAIT_SECONDS + 8) * 1000);
  const reason = await c.page.getAttribute('#overflow-offer', 'data-reason');
  assert.ok(['max_wait', 'no_lawyer_on_duty'].includes(reason), `overflowReason is max_wait or no_lawyer_on_duty: ${reason}`);
  await waitForText(c.page, '#overflow-text', /^(排队较久|暂无律师值班)，您可以留言或预约回拨$/, `${label}: the offer's wording`);
  await waitVisible(c.page, '#message-form', `${label}: the message form opens by itself with the offer`);
  // still in line: the place and the heading are unchanged
  await waitForText(c.page, '#queue-status', '正在排队', `${label}: still shown as waiting in line`);
  return { ...c, reason };
}

async function lookUp(page, ticketId, token) {
  await waitVisible(page, '#lookup-panel', 'the 查询留言答复 section');
  await page.fill('#lookup-id', ticketId);
  await page.fill('#lookup-token', token);
  await page.click('#lookup-btn');
}

test('a caller who waits past max_wait_seconds leaves a message, a lawyer answers it, the caller reads the answer with id and token', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    // A qualified lawyer is on duty but at capacity (one chat of one): the caller waits past the limit.
    const busy = await openConsole(stack, browser, base, BUSY_LAWYER, 'lawyer-busy-1');
    const busyCaller = await startCallerChat(stack, browser, base, 'caller-busy-1');
    await waitVisible(busy.page, '#offer-panel', 'the busy lawyer gets the first caller', 15000);
    await busy.page.click('#offer-accept');
    await waitForText(busyCaller.page, '#lawyer-name', BUSY_LAWYER.name, 'the first caller connected');

    const caller = await waitForOverflowOffer('caller');
    assert.equal(caller.reason, 'max_wait', 'overflowReason max_wait: a lawyer is on duty, the wait passed the limit');
    await waitForText(caller.page, '#overflow-text', '排队较久，您可以留言或预约回拨', 'the offer\'s wording for a long wait');
    await stack.screenshot(caller.page, 'chat-1-overflow-offer');

    // 继续排队 folds the form away; the 留言 button brings it back (any waiting caller has it).
    await caller.page.click('#ticket-cancel');
    await waitHidden(caller.page, '#message-form', 'the form folds away after 继续排队');
    await waitVisible(caller.page, '#message-btn', 'the 留言 button for a waiting caller');
    await caller.page.click('#message-btn');
    await waitVisible(caller.page, '#message-form', 'the form again after 留言');

    // A callback needs a contact: refused on the page, nothing sent.
    await caller.page.selectOption('#ticket-kind', 'CALLBACK');
    await caller.page.fill('#ticket-question', QUESTION);
    await caller.page.click('#ticket-submit');
    await waitForText(caller.page, '#message-error', '请填写联系电话', 'a callback without a contact is refused on the page');
    assert.ok(await caller.page.isVisible('#queue-panel'), 'still in line after the refused form');

    // A message, with a contact (optional for a message).
    await caller.page.selectOption('#ticket-kind', 'MESSAGE');
    await caller.page.fill('#ticket-contact', CONTACT);
    await caller.page.click('#ticket-submit');
    await waitVisible(caller.page, '#ticket-panel', 'the ticket panel after 提交留言');
    await waitHidden(caller.page, '#queue-panel', 'the caller has left the line');
    const ticketId = (await waitForText(caller.page, '#ticket-id', /^t\S+$/, 'the ticket id (t…)')).trim();
    const token = (await waitForText(caller.page, '#ticket-token', /^\S{8,}$/, 'the ticket token')).trim();
    assert.equal(await caller.page.getAttribute('#ticket-panel', 'data-state'), 'OPEN', 'a new question is an OPEN ticket');
    await waitForText(caller.page, '#ticket-deadline', /律师将在 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 前答复/, 'by when a reply is due');
    await waitHidden(caller.page, '#ticket-duplicate', 'no duplicate notice for a new question');
    const stored = JSON.parse(await caller.page.evaluate((k) => localStorage.getItem(k) || '[]', TICKETS_KEY));
    assert.equal(stored[0] && stored[0].ticketId, ticketId, `localStorage keeps the ticket id: ${JSON.stringify(stored)}`);
    assert.equal(stored[0] && stored[0].token, token, 'localStorage keeps the token');
    await waitFor('the lookup form to be filled in with the new ticket',
      async () => (await caller.page.inputValue('#lookup-id')) === ticketId
        && (await caller.page.inputValue('#lookup-token')) === token);
    await stack.screenshot(caller.page, 'chat-2-ticket');
    first = { ticketId, token };

    // The busy lawyer ends the other chat, files the work order and goes 离线 (the later tests
    // start with nobody on duty).
    const busyPane = busy.page.locator('[data-testid=session-pane]');
    await busyPane.locator('[data-testid=session-end]').click();
    await waitFor('the work order form after 结束', () => busyPane.locator('[data-testid=wrapup-form]').isVisible());
    await busyPane.locator('[data-testid=wrapup-outcome]').selectOption({ label: '已解答' });
    await busyPane.locator('[data-testid=wrapup-submit]').click();
    await waitFor('the busy lawyer\'s pane to leave', async () => (await busyPane.count()) === 0);
    await busy.page.click('#status-offline');
    await waitForText(busy.page, '#agent-status', '离线', 'the busy lawyer is 离线');
    for (const p of [busy, busyCaller]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
    await busy.context.close();
    await busyCaller.context.close();

    // Before the answer the lookup says it is pending, with the deadline.
    await caller.page.click('#lookup-btn');
    await waitForText(caller.page, '#lookup-status', /律师尚未答复，预计在 .+ 前答复/, 'the lookup of an OPEN ticket');

    // ---- the lawyer answers from the 留言与回拨 panel (not on duty: the tickets come on connect) ----
    const lawyer = await openConsole(stack, browser, base, LAWYER, 'lawyer', { available: false });
    const card = lawyer.page.locator(`[data-testid=ticket][data-ticket-id="${ticketId}"]`);
    await waitFor('the ticket in the lawyer\'s 留言与回拨 panel', async () => (await card.count()) === 1, {
      detail: async () => `panel: ${JSON.stringify(await lawyer.page.textContent('#tickets-section'))}`,
    });
    await waitForText(lawyer.page, `[data-ticket-id="${ticketId}"] [data-testid=ticket-question]`, QUESTION, 'the question');
    await waitForText(lawyer.page, `[data-ticket-id="${ticketId}"] [data-testid=ticket-contact]`, CONTACT, 'the contact');
    await waitForText(lawyer.page, `[data-ticket-id="${ticketId}"] [data-testid=ticket-kind]`, '留言', 'the kind');
    await waitForText(lawyer.page, `[data-ticket-id="${ticketId}"] [data-testid=ticket-title]`, '婚姻家庭', 'the category');
    assert.equal(await card.locator('[data-testid=ticket-overdue]').isVisible(), false, 'a fresh ticket is not 已超期');
    await stack.screenshot(lawyer.page, 'console-1-ticket');
    await card.locator('[data-testid=ticket-reply-text]').fill(REPLY);
    await card.locator('[data-testid=ticket-reply-submit]').click();
    await waitFor('the answered ticket to leave the panel with the next tickets frame', async () => (await card.count()) === 0, {
      detail: async () => `ticket error: ${JSON.stringify(await card.locator('[data-testid=ticket-error]').allTextContents())}`,
    });
    await waitVisible(lawyer.page, '#no-tickets', 'no open tickets left');

    // ---- the caller comes back on another device: no localStorage ----
    const back = await stack.newPage(browser, 'caller-back');
    await back.page.goto(`${base}/chat.html`);
    await waitVisible(back.page, '#start-panel', 'the start form');
    assert.equal(await back.page.inputValue('#lookup-id'), '', 'a fresh browser has no saved ticket');
    await lookUp(back.page, ticketId, `${token}x`);
    await waitForText(back.page, '#lookup-error', '找不到该留言', 'a wrong token: TICKET_NOT_FOUND');
    await lookUp(back.page, ticketId, token);
    await waitVisible(back.page, '#lookup-result', 'the lookup result');
    await waitForText(back.page, '#lookup-state', '已答复', 'the ticket is 已答复');
    await waitForText(back.page, '#lookup-reply', REPLY, 'the lawyer\'s reply text');
    await waitForText(back.page, '#lookup-replied-by', LAWYER.name, 'the lawyer\'s name');
    await waitForText(back.page, '#lookup-replied-at', /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/, 'when it was answered');
    await waitForText(back.page, '#lookup-question', QUESTION, 'the question asked');
    await waitHidden(back.page, '#lookup-error', 'no error after the right token');
    await stack.screenshot(back.page, 'chat-3-lookup');

    // The first device still knows the ticket after a reload.
    await caller.page.reload();
    await waitVisible(caller.page, '#start-panel', 'the start form after the reload (the session is over)');
    assert.equal(await caller.page.inputValue('#lookup-id'), ticketId, 'the lookup id pre-filled from localStorage');
    assert.equal(await caller.page.inputValue('#lookup-token'), token, 'the lookup token pre-filled from localStorage');

    // ---- the API as such ----
    const ok = await http(base, '/api/v1/tickets/lookup', { method: 'POST', body: { ticketId, token } });
    assert.equal(ok.status, 200, `lookup answers 200: ${ok.text}`);
    assert.equal(ok.json.ticketId, ticketId);
    assert.equal(ok.json.state, 'REPLIED', 'state REPLIED');
    assert.equal(ok.json.replyKind, 'TEXT_REPLY', 'replyKind TEXT_REPLY');
    assert.equal(ok.json.reply, REPLY, 'the reply');
    assert.equal(ok.json.repliedByName, LAWYER.name, 'repliedByName');
    assert.ok(int64(ok.json.repliedAtMs) > 0, 'repliedAtMs');
    assert.ok(!ok.json.contact, `the caller's contact is for lawyers only, not in the lookup answer: ${ok.text}`);
    const bad = await http(base, '/api/v1/tickets/lookup', { method: 'POST', body: { ticketId, token: 'no-such-token' } });
    assert.equal(bad.status, 404, `a wrong token answers 404: ${bad.text}`);
    assert.equal(bad.json && bad.json.error && bad.json.error.code, 'TICKET_NOT_FOUND', `error code: ${bad.text}`);
    const none = await http(base, '/api/v1/tickets/lookup', { method: 'POST', body: { ticketId: 'tnosuch', token } });
    assert.equal(none.status, 404, `an unknown ticket answers 404: ${none.text}`);

    // ---- the report: the busy lawyer's answered chat and one overflowed session (and one message
    // received and replied, where the server's SummaryRow has messagesReceived / messagesReplied) ----
    const sup = await loginHttp(base, SUPERVISOR.username, SUPERVISOR.password);
    const hasMessageFigures = (r) => r.total && 'messagesReceived' in r.total;
    const report = await pollSummary(base, sup.token, (r) => r.total && int64(r.total.overflowed) === 1
      && (!hasMessageFigures(r) || int64(r.total.messagesReplied) === 1),
    'the summary to count the session as overflowed (and the message as replied)');
    t.diagnostic(`report total: ${JSON.stringify(report.total)}`);
    assert.equal(int64(report.total.offered), 2, 'offered: the busy lawyer\'s chat and the caller who left a message');
    assert.equal(int64(report.total.answered), 1, 'answered: the busy lawyer\'s chat');
    assert.equal(int64(report.total.abandoned), 0, 'a message is not an abandon');
    assert.equal(int64(report.total.waiting), 0, 'nobody waits any more');
    if (hasMessageFigures(report)) {
      assert.equal(int64(report.total.messagesReceived), 1, 'messagesReceived');
      assert.equal(int64(report.total.messagesReplied), 1, 'messagesReplied');
    } else {
      t.diagnostic('the report has no messagesReceived / messagesReplied: not checked');
    }

    for (const p of [caller, lawyer, back]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});

test('the same question again the same day is a duplicate and shows the earlier answer', async (t) => {
  await stack.run(t, async () => {
    assert.ok(first, 'the first test left a ticket');
    const caller = await waitForOverflowOffer('caller-dup');
    await caller.page.fill('#ticket-contact', CONTACT);
    await caller.page.fill('#ticket-question', QUESTION);
    await caller.page.click('#ticket-submit');
    await waitVisible(caller.page, '#ticket-panel', 'the ticket panel');
    assert.equal(await caller.page.getAttribute('#ticket-panel', 'data-state'), 'DUPLICATE', 'the ticket is a DUPLICATE');
    await waitVisible(caller.page, '#ticket-duplicate', 'the duplicate notice');
    await waitForText(caller.page, '#ticket-title', '同一问题今日已收到', 'the page says the question was received today');
    const ticketId = (await caller.page.textContent('#ticket-id')).trim();
    const token = (await caller.page.textContent('#ticket-token')).trim();
    assert.ok(ticketId && token, 'a duplicate still has an id and a token to look up');
    await stack.screenshot(caller.page, 'chat-dup');

    await caller.page.click('#lookup-btn'); // pre-filled with the duplicate
    await waitForText(caller.page, '#lookup-reply', REPLY, 'a duplicate shows the earlier ticket\'s reply');
    for (const p of [caller]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});

test('a callback request: the lawyer logs the call, the caller reads that they were called', async (t) => {
  await stack.run(t, async () => {
    const caller = await waitForOverflowOffer('caller-cb');
    await caller.page.selectOption('#ticket-kind', { label: '回拨' });
    await waitForText(caller.page, '#ticket-contact-need', '必填', 'a callback marks the contact as required');
    await caller.page.fill('#ticket-contact', CALLBACK_CONTACT);
    await caller.page.fill('#ticket-question', CALLBACK_QUESTION);
    await caller.page.click('#ticket-submit');
    await waitVisible(caller.page, '#ticket-panel', 'the ticket panel');
    await waitForText(caller.page, '#ticket-title', '回拨', 'the page names a callback');
    await waitForText(caller.page, '#ticket-deadline', '前给您回电', 'by when the call is due');
    const ticketId = (await caller.page.textContent('#ticket-id')).trim();
    const token = (await caller.page.textContent('#ticket-token')).trim();

    const lawyer = await openConsole(stack, browser, stack.baseUrl, LAWYER, 'lawyer-cb', { available: false });
    const card = lawyer.page.locator(`[data-testid=ticket][data-ticket-id="${ticketId}"]`);
    await waitFor('the callback in the panel', async () => (await card.count()) === 1);
    await waitForText(lawyer.page, `[data-ticket-id="${ticketId}"] [data-testid=ticket-kind]`, '回拨', 'kind 回拨');
    await waitForText(lawyer.page, `[data-ticket-id="${ticketId}"] [data-testid=ticket-contact]`, CALLBACK_CONTACT,
      'the number to call');
    await card.locator('[data-testid=ticket-reply-text]').fill(CALLBACK_LOG);
    await card.locator('[data-testid=ticket-reply-submit]').click();
    await waitFor('the callback to leave the panel', async () => (await card.count()) === 0, {
      detail: async () => `ticket error: ${JSON.stringify(await card.locator('[data-testid=ticket-error]').allTextContents())}`,
    });

    const back = await stack.newPage(browser, 'caller-cb-back');
    await back.page.goto(`${stack.baseUrl}/chat.html`);
    await lookUp(back.page, ticketId, token);
    await waitForText(back.page, '#lookup-status', /律师已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 回电/, 'the page says when the lawyer called');
    await waitForText(back.page, '#lookup-reply', CALLBACK_LOG, 'the call log');
    const r = await http(stack.baseUrl, '/api/v1/tickets/lookup', { method: 'POST', body: { ticketId, token } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.replyKind, 'CALLBACK_MADE', 'replyKind CALLBACK_MADE');
    assert.equal(r.json.kind, 'CALLBACK', 'kind CALLBACK');
    for (const p of [caller, lawyer, back]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});

test('with a lawyer on duty but busy, 留言 is there from the start and the offer comes after max_wait_seconds', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    const lawyer = await openConsole(stack, browser, base, BUSY_LAWYER, 'lawyer-busy');
    const first = await startCallerChat(stack, browser, base, 'caller-first');
    await waitVisible(lawyer.page, '#offer-panel', 'the busy lawyer gets the first caller', 15000);
    await lawyer.page.click('#offer-accept');
    await waitForText(first.page, '#lawyer-name', BUSY_LAWYER.name, 'the first caller connected');

    const caller = await startCallerChat(stack, browser, base, 'caller-wait');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'the second caller waits (the lawyer is at capacity)');
    assert.equal(await caller.page.isVisible('#overflow-offer'), false, 'no offer while a lawyer is on duty and the wait is short');
    assert.ok(await caller.page.isVisible('#message-btn'), 'the 留言 button is there for any waiting caller');
    await waitForText(caller.page, '#message-btn', '留言', 'the button says 留言');
    await waitVisible(caller.page, '#overflow-offer', `the offer after ${MAX_WAIT_SECONDS} s`, (MAX_WAIT_SECONDS + 8) * 1000);
    assert.equal(await caller.page.getAttribute('#overflow-offer', 'data-reason'), 'max_wait', 'overflowReason max_wait');
    await waitForText(caller.page, '#overflow-text', '排队较久，您可以留言或预约回拨', 'the offer\'s wording for a long wait');
    await waitVisible(caller.page, '#message-form', 'the form opens by itself');
    await waitForText(caller.page, '#position', /第\s*1\s*位/, 'still place 1: the offer does not take the caller out of line');
    await stack.screenshot(caller.page, 'chat-max-wait');
    await caller.page.click('#leave-btn');
    await waitVisible(caller.page, '#ended-panel', 'the caller leaves the line instead');
    for (const p of [lawyer, first, caller]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});

test('a full line refuses a new caller with QUEUE_FULL; the page says so and offers the answer lookup', async (t) => {
  await stack.run(t, async () => {
    const base = stack.baseUrl;
    // the busy lawyer of the previous test still has the first caller: this one waits, the line is full
    const waiting = await startCallerChat(stack, browser, base, 'caller-full-1');
    await waitForText(waiting.page, '#position', /第\s*1\s*位/, 'one caller waits (max_queue_length = 1)');
    const caller = await stack.newPage(browser, 'caller-full-2');
    await caller.page.goto(`${base}/chat.html`);
    await waitFor('the category list', async () => (await caller.page.locator('#category option').count()) > 1);
    await caller.page.selectOption('#category', { label: '婚姻家庭' });
    await caller.page.click('#start-btn');
    await waitForText(caller.page, '#error', '当前排队人数已满，请留言或稍后再试', 'QUEUE_FULL in the page\'s words');
    await waitVisible(caller.page, '#start-panel', 'the start form stays');
    await waitVisible(caller.page, '#lookup-panel', 'the 查询留言答复 form is offered');
    assert.equal(await caller.page.isVisible('#queue-panel'), false, 'not in line');
    await waitFor('the start button to be usable again', () => caller.page.isEnabled('#start-btn'));
    await stack.screenshot(caller.page, 'chat-queue-full');
    for (const p of [waiting, caller]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});
