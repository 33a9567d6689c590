// Shared by the browser tests: the stack (one per policy preset), assertions,
// screenshots and page helpers. See run.mjs and README.md.

import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const OUT = path.join(ROOT, 'tests', 'out', 'browser');
export const SHOTS = path.join(OUT, 'screenshots');
export const START_TIMEOUT = Number(process.env.PORTAL_TEST_START_TIMEOUT || 120) * 1000;
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const BUILD = path.resolve(ROOT, process.env.PORTAL_BUILD || 'build');
export const POLICY = process.env.PORTAL_POLICY || 'oconomowoc';

export const DESKTOP = { width: 1280, height: 900 };
const AXE = path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js');

// axe-core's WCAG 2.x A and AA rules on the page: the violations, in words.
// (Injected as a script: the page's context needs bypassCSP, the portal's
// CSP allows only its own scripts.)
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')})`);
  });
}
export const PHONE = { width: 390, height: 844 };

export function log(...args) {
  process.stderr.write('[browser] ' + args.join(' ') + '\n');
}

// ---------------------------------------------------------------- the stack

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export class Stack {
  constructor(port, policy = POLICY) {
    fs.mkdirSync(OUT, { recursive: true });
    this.var = path.join(OUT, 'var-' + randomBytes(4).toString('hex'));
    this.port = port;
    this.policy = policy;
    this.users = new Set();            // logins created so far
    this.totpSecrets = new Map();      // login -> base32 second-factor secret
    this.totpSteps = new Map();        // login -> the last RFC 6238 step signed in with
    this.base = `http://127.0.0.1:${port}`;
    this.stackLog = this.var + '.stack.log';   // beside PORTAL_VAR, not in it
    this.started = false;
    this.stopped = false;
  }

  env() {
    const e = { ...process.env };
    delete e.PORTAL_DSN;               // always our own local cluster
    delete e.PORTAL_SMTP_URL;          // mail goes to PORTAL_VAR/mail
    e.PORTAL_VAR = this.var;
    e.PORTAL_PORT = String(this.port);
    e.PORTAL_POLICY = this.policy;
    e.PORTAL_BUILD = BUILD;
    e.PORTAL_PG_NOSYNC = '1';          // no fsync in a test cluster (scripts/stack.sh)
    return e;
  }

  tailLog(n = 40) {
    try {
      return fs.readFileSync(this.stackLog, 'utf8').split('\n').slice(-n).join('\n');
    } catch {
      return '';
    }
  }

  // Asynchronous, so that a signal during the start is handled.
  async start() {
    this.started = true;               // from here on, stop() must run
    fs.appendFileSync(this.stackLog, `\n=== scripts/stack.sh start (${new Date().toISOString()})\n`);
    const fd = fs.openSync(this.stackLog, 'a');
    const child = spawn('bash', [path.join(ROOT, 'scripts', 'stack.sh'), 'start'], {
      cwd: ROOT, env: this.env(), stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    const rc = await new Promise((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGTERM'); resolve('timeout'); }, START_TIMEOUT);
      child.on('exit', (code, sig) => { clearTimeout(timer); resolve(code ?? sig); });
    });
    if (rc !== 0) {
      throw new Error(`scripts/stack.sh start ${rc === 'timeout' ? 'did not return in time' : 'exited ' + rc}` +
        `; log ${this.stackLog}:\n${this.tailLog()}`);
    }
    const r = await fetch(this.base + '/healthz');
    if (r.status !== 200) throw new Error(`GET /healthz answered ${r.status} after start`);
    // A second factor is required of department and federal accounts
    // (sql/016); test stacks make it optional, as the integration harness
    // does, so an account made without one signs in with its password.
    for (const name of ['second_factor_department', 'second_factor_federal']) this.ctl(['setting', name, '0']);
  }

  ctl(args, input = '') {
    const p = spawnSync(path.join(BUILD, 'portalctl'), args, {
      cwd: ROOT, env: this.env(), input, encoding: 'utf8', timeout: 60_000,
    });
    if (p.status !== 0) throw new Error(`portalctl ${args.join(' ')} -> exit ${p.status ?? p.signal}\n${p.stdout}${p.stderr}`);
    return p.stdout;
  }

  // Synchronous: also used from signal handlers.
  stop() {
    if (!this.started || this.stopped) return;
    this.stopped = true;
    log(`stopping the stack (PORTAL_VAR=${this.var})`);
    try {
      fs.appendFileSync(this.stackLog, `\n=== scripts/stack.sh stop (${new Date().toISOString()})\n`);
      const fd = fs.openSync(this.stackLog, 'a');
      const p = spawnSync('bash', [path.join(ROOT, 'scripts', 'stack.sh'), 'stop'], {
        cwd: ROOT, env: this.env(), stdio: ['ignore', fd, fd], timeout: 90_000,
      });
      fs.closeSync(fd);
      if (p.status !== 0) log(`scripts/stack.sh stop exited ${p.status ?? p.signal} (log ${this.stackLog})`);
    } catch (e) {
      log(`scripts/stack.sh stop failed: ${e}`);
    }
  }

  remove() {
    fs.rmSync(this.var, { recursive: true, force: true });
    fs.rmSync(this.stackLog, { force: true });
  }

  // attrs.totp_secret: a base32 secret, or 'new'; signIn() then answers
  // the second step with the code of any secret set (or printed).
  addUser(login, role, name, password, attrs = {}) {
    const args = ['user', 'add', login, '--role', role, '--name', name];
    const { totp_secret: secret, ...rest } = attrs;
    attrs = rest;
    if (secret) args.push('--totp-secret', secret);
    for (const [k, v] of Object.entries(attrs)) args.push('--' + k.replace(/_/g, '-'), v);
    const p = spawnSync(path.join(BUILD, 'portalctl'), args, {
      cwd: ROOT, env: this.env(), input: password + '\n', encoding: 'utf8', timeout: 60_000,
    });
    if (p.status !== 0) {
      throw new Error(`portalctl ${args.join(' ')} -> exit ${p.status ?? p.signal}\n${p.stdout}${p.stderr}`);
    }
    this.users.add(login);
    const made = p.stdout.match(/^totp-secret ([A-Z2-7]+)$/m);
    if (made || secret) this.totpSecrets.set(login, made ? made[1] : secret);
  }

  // Creates the accounts ({login, role, name, attrs}) not created yet.
  ensureUsers(users, password) {
    for (const u of users) if (!this.users.has(u.login)) this.addUser(u.login, u.role, u.name, password, u.attrs || {});
  }
}

// ---------------------------------------------------------------- helpers

export class AssertionError extends Error {}

export function assert(cond, msg) {
  if (!cond) throw new AssertionError(msg);
}

export function eq(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Click (or press) and wait for the navigation it causes; returns the main
// document's final response.
export async function navigating(page, action) {
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  nav.catch(() => {});                 // if the action fails, nav must not go unhandled
  await action();
  return nav;
}

// RFC 6238 (HOTP of RFC 4226 on 30-second steps): 6 digits, HMAC-SHA-1.
export function totp(secretB32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretB32) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// The code of the first step no sign-in of this stack used (a code is
// accepted once), waiting while it is ahead of the window.
async function nextCode(stack, login) {
  const now = () => Math.floor(Date.now() / 30000);
  const step = Math.max(now(), (stack.totpSteps.get(login) ?? -1) + 1);
  while (step > now() + 1) await new Promise((r) => setTimeout(r, 1000));
  stack.totpSteps.set(login, step);
  return totp(stack.totpSecrets.get(login), step);
}

export async function signIn(page, stack, login, password) {
  await page.goto(stack.base + '/login');
  await page.fill('#f-login', login);
  await page.fill('#f-password', password);
  let resp = await navigating(page, () => page.click('form[action="/login"] button[type=submit]'));
  if (new URL(page.url()).pathname === '/login/code' && stack.totpSecrets.has(login)) {
    await page.fill('#f-code', await nextCode(stack, login));
    resp = await navigating(page, () => page.click('form[action="/login/code"] button[type=submit]'));
  }
  eq(new URL(page.url()).pathname, '/', `after signing in as ${login}, the page`);
  return resp;
}

// Every form control that a person fills in, and how it is labelled.
// A control is labelled if it has a <label for> / wrapping <label> (control.labels)
// with text, or sits inside a <fieldset> whose <legend> has text (checkbox groups).
export async function unlabelledControls(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button' || el.type === 'reset') continue;
      const labelled = [...(el.labels || [])].some((l) => l.textContent.trim() !== '');
      let inLegend = false;
      if (el.type === 'checkbox' || el.type === 'radio') {
        const fs = el.closest('fieldset');
        const lg = fs && fs.querySelector(':scope > legend');
        inLegend = !!(lg && lg.textContent.trim() !== '');
      }
      if (!labelled && !inLegend) bad.push(`${el.tagName.toLowerCase()}[name=${el.name}]#${el.id}`);
      if (el.type === 'checkbox' || el.type === 'radio') {
        // A checkbox also needs its own label (its option), not just the group's legend.
        if (!labelled) bad.push(`${el.type}[name=${el.name}][value=${el.value}] has no label of its own`);
      }
    }
    return bad;
  });
}

// Whether the page is wider than the viewport (horizontal scrolling on a phone).
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const sw = document.documentElement.scrollWidth;
    if (sw <= vw) return null;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 1 && r.width > 0) wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (right ${Math.round(r.right)})`);
      if (wide.length >= 5) break;
    }
    return `page is ${sw}px wide in a ${vw}px viewport: ${wide.join(', ')}`;
  });
}


// The password of every test account.
export const PW = 'correct horse battery staple';
