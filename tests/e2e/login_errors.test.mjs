// The pages show the server's own error message, and keep each role to its page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { http, startStack, waitFor, waitForText, waitVisible } from './harness.mjs';

const LAWYER = {
  username: 'lawyer.sun', password: 'Sun-Pass-2024', role: 'LAWYER', name: '孙律师',
  categories: ['consult.marriage'], languages: ['zh'],
};
const SUPERVISOR = { username: 'super.zhou', password: 'Zhou-Pass-2024', role: 'SUPERVISOR', name: '周主管' };
const ADMIN = { username: 'admin.wu', password: 'Wu-Pass-2024-admin', role: 'ADMIN', name: '吴管理员' };

let stack;
let browser;

before(async () => {
  stack = await startStack({ name: 'login-errors', accounts: [LAWYER, SUPERVISOR, ADMIN] });
  browser = await stack.launchBrowser();
});

after(async () => {
  if (stack) await stack.stop();
});

test('a wrong password shows the server\'s error message on the console and the dashboard', async (t) => {
  await stack.run(t, async () => {
    const r = await http(stack.baseUrl, '/api/v1/auth/login', {
      method: 'POST', body: { username: LAWYER.username, password: 'wrong-password' },
    });
    assert.equal(r.status, 401, `a wrong password answers 401: ${r.text}`);
    assert.equal(r.json && r.json.error && r.json.error.code, 'INVALID_CREDENTIALS', `error code: ${r.text}`);
    const message = r.json.error.message;
    assert.ok(message, 'the error has a message');

    for (const page of ['console', 'dashboard']) {
      const p = await stack.newPage(browser, page);
      await p.page.goto(`${stack.baseUrl}/${page}.html`);
      await p.page.fill('#username', LAWYER.username);
      await p.page.fill('#password', 'wrong-password');
      await p.page.click('#login-btn');
      await waitForText(p.page, '#login-error', message, `${page}: the server's message for a wrong password`);
      assert.ok(await p.page.isVisible('#login-section'), `${page}: still on the login form`);
      assert.deepEqual(p.errors, [], 'no uncaught page errors');
      await p.context.close();
    }
  });
});

test('the dashboard refuses a lawyer; the console shows the server refusing an admin', async (t) => {
  await stack.run(t, async () => {
    const dash = await stack.newPage(browser, 'dashboard-lawyer');
    await dash.page.goto(`${stack.baseUrl}/dashboard.html`);
    await dash.page.fill('#username', LAWYER.username);
    await dash.page.fill('#password', LAWYER.password);
    await dash.page.click('#login-btn');
    await waitVisible(dash.page, '#login-error', 'the dashboard to refuse a lawyer');
    assert.ok(!(await dash.page.isVisible('#dashboard-section')), 'no figures for a lawyer');

    // The console leaves the decision to the server, which refuses an admin on /ws/agent
    // with an error frame; the page goes back to the login form and shows its message.
    const con = await stack.newPage(browser, 'console-admin');
    await con.page.goto(`${stack.baseUrl}/console.html`);
    await con.page.fill('#username', ADMIN.username);
    await con.page.fill('#password', ADMIN.password);
    await con.page.click('#login-btn');
    await waitVisible(con.page, '#login-error', 'the console to show the server refusing an admin', 15000);
    assert.ok(await con.page.isVisible('#login-section'), 'back on the login form');
    assert.ok(!(await con.page.isVisible('#agent-section')), 'no console for an admin');
    t.diagnostic(`console shows: ${await con.page.textContent('#login-error')}`);

    // The report API itself refuses a lawyer's token.
    const login = await http(stack.baseUrl, '/api/v1/auth/login', {
      method: 'POST', body: { username: LAWYER.username, password: LAWYER.password },
    });
    assert.equal(login.status, 200, login.text);
    const r = await http(stack.baseUrl, '/api/v1/reports/summary?format=json', { token: login.json.token });
    assert.equal(r.status, 403, `a lawyer's token is refused by the report API: ${r.status} ${r.text}`);
    assert.equal(r.json && r.json.error && r.json.error.code, 'FORBIDDEN', r.text);
    for (const p of [dash, con]) assert.deepEqual(p.errors, [], 'no uncaught page errors');
  });
});

test('signing out revokes the token on the server, and no page puts a token in a WebSocket URL', async (t) => {
  await stack.run(t, async () => {
    for (const [page, account, store] of [['console', LAWYER, 'hotline.console.auth'],
      ['dashboard', SUPERVISOR, 'hotline.dashboard.auth']]) {
      const p = await stack.newPage(browser, `${page}-logout`);
      const sockets = [];
      p.page.on('websocket', (ws) => sockets.push(ws.url()));
      await p.page.goto(`${stack.baseUrl}/${page}.html`);
      await p.page.fill('#username', account.username);
      await p.page.fill('#password', account.password);
      await p.page.click('#login-btn');
      await waitVisible(p.page, page === 'console' ? '#agent-section' : '#dashboard-section', `${page}: signed in`);
      const token = await p.page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) || '{}').token, store);
      assert.ok(token, `${page}: the login is kept in sessionStorage`);
      const before = await http(stack.baseUrl, '/api/v1/auth/socket-pass', { method: 'POST', token });
      assert.equal(before.status, 200, `${page}: the token works while signed in: ${before.text}`);
      await waitFor(`${page}: its WebSocket to open`, () => sockets.length > 0);
      for (const url of sockets) {
        assert.ok(!url.includes('token='), `${page}: no token in ${url}`);
        assert.ok(url.includes('pass='), `${page}: a single-use pass in ${url}`);
      }
      await p.page.click('#logout-btn');
      await waitVisible(p.page, '#login-section', `${page}: back on the login form`);
      const revoked = await http(stack.baseUrl, '/api/v1/auth/socket-pass', { method: 'POST', token });
      assert.equal(revoked.status, 401, `${page}: signing out deleted the token on the server: ${revoked.text}`);
      assert.deepEqual(p.errors, [], 'no uncaught page errors (CSP violations included)');
      await p.context.close();
    }
  });
});
