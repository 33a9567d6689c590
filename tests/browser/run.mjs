// Browser tests of the Mutual Aid Portal: playwright-core driving Debian's
// Chromium (/usr/bin/chromium; no browser is downloaded).
//
//   node tests/browser/run.mjs [pattern...]
//
// Starts its own stacks, one per policy preset the selected tests need
// (scripts/stack.sh start, a fresh PORTAL_VAR under
// tests/out/browser/var-<random>, a free port), creates accounts with
// portalctl, runs the tests (a pattern keeps the tests whose name contains
// it), always stops the stacks (finally, and on SIGINT/SIGTERM/SIGHUP), saves
// screenshots under tests/out/browser/screenshots/, prints one line per test
// and ends with `N passed, N failed`; exit status non-zero on any failure.
//
// Environment: PORTAL_BUILD (default build), PORTAL_POLICY (default
// oconomowoc), PORTAL_TEST_KEEP=1 (keep PORTAL_VAR after a clean run; it is
// always kept after a failure, with the stack script's output beside it),
// PORTAL_TEST_START_TIMEOUT (s, default 120), CHROMIUM (default /usr/bin/chromium).

import fs from 'node:fs';
import { chromium } from 'playwright-core';
import {
  AssertionError, CHROMIUM, DESKTOP, PHONE, POLICY, SHOTS, Stack, assert, eq, freePort,
  horizontalOverflow, log, navigating, shot, signIn, unlabelledControls,
  PW,
} from './lib.mjs';
import { milwaukeeTests } from './milwaukee.mjs';
import { pageTests, saveHtml } from './pages.mjs';
import { agencyTests } from './agency.mjs';
import { accountTests } from './accounts.mjs';

// ---------------------------------------------------------------- fixtures

const USERS = {
  agency: { login: 'bt-agency', role: 'agency', name: 'Dana Whitfield', attrs: { agency: 'Delafield Police Department', agency_type: 'local' } },
  agency2: { login: 'bt-agency2', role: 'agency', name: 'Sam Ortega', attrs: { agency: 'Waukesha County Sheriff', agency_type: 'county' } },
  agency3: { login: 'bt-agency3', role: 'agency', name: 'Lee Park', attrs: { agency: 'Hartland Police Department', agency_type: 'local' } },
  supervisor: { login: 'bt-sup', role: 'supervisor', name: 'Pat Kowalski', attrs: {} },
};

// What an outside agency's link and form are called (the policy's department).
const ASK = 'Ask for help from City of Oconomowoc Police Department';

// A complete, valid aid_incoming request, as a person would type it.
const NATURE = 'Large crowd after the county fair concert is blocking Main St; fights reported, need crowd control.';
// An agency's account files for its own agency: the form has no requesting
// agency field then.
async function fillAidForm(page, { nature = NATURE } = {}) {
  if (await page.locator('#f-requesting_agency').count()) await page.fill('#f-requesting_agency', 'Delafield Police Department');
  await page.fill('#f-requester_name', 'Sgt. Dana Whitfield');
  await page.fill('#f-contact_phone', '262-555-0142');
  await page.selectOption('#f-incident_type', 'civil_disorder');
  await page.fill('#f-nature', nature);
  await page.check('input[name=emergency][value=yes]');
  await page.check('input[name=priority][value=urgent]');
  await page.fill('#f-location', '500 Main St, Delafield');
  await page.fill('#f-squads', '2');
  await page.check('input[name=special_units][value=k9]');
}

function requestSubmit(page) {
  return page.click('form.request-form button[type=submit]');
}

// ---------------------------------------------------------------- tests

// Each test runs against the stack of its preset (default: PORTAL_POLICY) and
// its accounts are created there before it runs.
const tests = [];
function test(name, fn, { preset = POLICY, users = Object.values(USERS) } = {}) {
  tests.push({ name, fn, preset, users });
}

test('sign-in page renders, wrong password is refused, right one lands on home', async ({ browser, stack }) => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await ctx.newPage();
    const r0 = await page.goto(stack.base + '/login');
    eq(r0.status(), 200, 'GET /login status');
    eq((await page.locator('h1').textContent()).trim(), 'Sign in', 'sign-in page heading');
    assert(await page.locator('label[for=f-login]').isVisible(), 'the Login label is visible');
    assert(await page.locator('label[for=f-password]').isVisible(), 'the Password label is visible');
    eq(await page.getAttribute('#f-password', 'type'), 'password', 'password input type');
    await shot(page, 'desktop-login');

    const u = USERS.agency;
    await page.fill('#f-login', u.login);
    await page.fill('#f-password', 'not the right password');
    const r1 = await navigating(page, () => page.click('form[action="/login"] button[type=submit]'));
    eq(r1.status(), 401, 'wrong password status');
    eq(new URL(page.url()).pathname, '/login', 'after a wrong password, the page');
    const err = page.locator('.error-summary');
    assert(await err.isVisible(), 'an error message is shown after a wrong password');
    const errText = (await err.textContent()).trim();
    assert(errText.length > 10, `the error message says something (got ${JSON.stringify(errText)})`);
    eq(await page.inputValue('#f-password'), '', 'the password field after a failed sign-in');
    await shot(page, 'desktop-login-wrong-password');

    await page.fill('#f-login', u.login);
    await page.fill('#f-password', PW);
    const r2 = await navigating(page, () => page.click('form[action="/login"] button[type=submit]'));
    eq(r2.status(), 200, 'home page status after signing in');
    eq(new URL(page.url()).pathname, '/', 'after signing in, the page');
    eq((await page.locator('h1').textContent()).trim(), 'Mutual aid requests', 'home page heading');
    assert((await page.locator('header .who').textContent()).includes(u.name), 'the header names the person signed in');
    await shot(page, 'desktop-home-agency');

    await page.setViewportSize(PHONE);
    await page.goto(stack.base + '/');
    await shot(page, 'phone-home-agency');
    const over = await horizontalOverflow(page);
    assert(over === null, `home page on a phone: ${over}`);
  } finally {
    await ctx.close();
  }
});

for (const [vpName, viewport, user] of [['desktop', DESKTOP, USERS.agency], ['phone', PHONE, USERS.agency2]]) {
  test(`agency files "Ask for help from <department>" (${vpName} ${viewport.width}x${viewport.height})`, async ({ browser, stack }) => {
    const ctx = await browser.newContext({ viewport });
    try {
      const page = await ctx.newPage();
      await signIn(page, stack, user.login, PW);
      await navigating(page, () => page.getByRole('link', { name: ASK, exact: true }).click());
      const u = new URL(page.url());
      eq(u.pathname, '/requests/new', 'the link leads to');
      eq(u.searchParams.get('kind'), 'aid_incoming', 'the link kind');
      eq((await page.locator('h1').textContent()).trim(), ASK, 'form heading');
      await shot(page, `${vpName}-request-form-empty`);
      // Overflow is checked on each page and asserted at the end, so that one
      // wide page does not hide the rest of the test.
      const overflows = [];
      let over = await horizontalOverflow(page);
      if (over !== null) overflows.push(`empty form at ${vpName} width: ${over}`);
      // The agency files for itself: no requesting agency field, a notice instead.
      eq(await page.locator('#f-requesting_agency').count(), 0, 'requesting agency fields on an agency\'s form');
      assert((await page.locator('main .notice').first().textContent()).includes(user.attrs.agency), 'the form says which agency is filing');

      // Required fields empty, some others typed: 422, summary, values kept.
      await page.fill('#f-contact_phone', '');
      await page.fill('#f-nature', '');
      await page.fill('#f-requester_name', 'Typed Name Kept');
      await page.fill('#f-location', '12 Typed Location Rd');
      await page.fill('#f-squads', '3');
      await page.check('input[name=priority][value=routine]');
      await page.check('input[name=special_units][value=negotiator]');
      const r1 = await navigating(page, () => requestSubmit(page));
      eq(r1.status(), 422, 'status of a form with required fields empty');
      await saveHtml(`agency-form-422-${vpName}`, r1);
      const summary = page.locator('.error-summary');
      assert(await summary.isVisible(), 'the error summary is shown');
      const box = await summary.boundingBox();
      const formBox = await page.locator('form.request-form').boundingBox();
      assert(box && formBox && box.y < formBox.y, 'the error summary is above the form');
      const items = await summary.locator('li a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })));
      assert(items.length >= 2, `the error summary lists the bad fields (got ${JSON.stringify(items)})`);
      const hrefs = items.map((i) => i.href);
      // The emergency question unanswered is refused too (issue 13).
      for (const f of ['contact_phone', 'nature', 'emergency']) {
        assert(hrefs.includes('#f-' + f), `the error summary lists ${f} (got ${JSON.stringify(items)})`);
        eq(await page.getAttribute('#f-' + f, 'aria-invalid'), 'true', `aria-invalid of ${f}`);
        const described = await page.getAttribute('#f-' + f, 'aria-describedby');
        assert(described && await page.locator('#' + described).isVisible(), `${f} points at a visible error message`);
      }
      for (const it of items) {
        eq(await page.locator(it.href).count(), 1, `the target of the summary link ${it.href}`);
        assert(it.text.length > 3, `the summary link ${it.href} says something`);
      }
      eq(await page.inputValue('#f-requester_name'), 'Typed Name Kept', 'requester_name kept');
      eq(await page.inputValue('#f-location'), '12 Typed Location Rd', 'location kept');
      eq(await page.inputValue('#f-squads'), '3', 'squads kept');
      assert(await page.isChecked('input[name=priority][value=routine]'), 'priority kept');
      assert(await page.isChecked('input[name=special_units][value=negotiator]'), 'the negotiator checkbox stays checked');
      await shot(page, `${vpName}-request-form-errors`);
      over = await horizontalOverflow(page);
      if (over !== null) overflows.push(`form with errors at ${vpName} width: ${over}`);

      // Following a summary link moves to the field.
      await page.click('.error-summary a[href="#f-nature"]');
      assert(page.url().endsWith('#f-nature'), `the summary link goes to #f-nature (url ${page.url()})`);

      // Now the whole form, correctly.
      await page.uncheck('input[name=special_units][value=negotiator]');
      const nature = `${NATURE} [${vpName}]`;
      await fillAidForm(page, { nature });
      const r2 = await navigating(page, () => requestSubmit(page));
      eq(r2.status(), 200, 'status of the page after filing');
      const m = /^\/requests\/(\d+)$/.exec(new URL(page.url()).pathname);
      assert(m, `after filing, the page is /requests/ID (got ${page.url()})`);
      assert((await page.locator('h1').textContent()).includes('#' + m[1]), 'the heading names the request number');
      assert((await page.locator('main').textContent()).includes(nature), 'the stored request shows the nature text');
      // The agency's own view: its milestones in plain words, no staff detail.
      const events = await page.locator('ol.timeline li').allTextContents();
      assert(events.some((t) => /\bRequest received\b/.test(t)), `the timeline has a "Request received" entry (got ${JSON.stringify(events)})`);
      eq(await page.locator('section[aria-labelledby=h-notified]').count(), 0, 'a "who was notified" section on the agency\'s page');
      const mainText = await page.locator('main').textContent();
      for (const v of [user.attrs.agency, 'Sgt. Dana Whitfield', '262-555-0142', '500 Main St, Delafield']) {
        assert(mainText.includes(v), `the stored request shows ${JSON.stringify(v)}`);
      }
      await shot(page, `${vpName}-request-stored`);
      over = await horizontalOverflow(page);
      if (over !== null) overflows.push(`stored request at ${vpName} width: ${over}`);
      assert(overflows.length === 0, overflows.join('; '));
    } finally {
      await ctx.close();
    }
  });
}

test('keyboard only: skip link, focus order, every form control labelled', async ({ browser, stack }) => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await ctx.newPage();
    // Sign in with the keyboard alone.
    await page.goto(stack.base + '/login');
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.className), 'skip', 'the first Tab stop on /login');
    const skipVisible = await page.locator('a.skip').evaluate((a) => {
      const r = a.getBoundingClientRect();
      return r.left >= 0 && r.top >= 0 && r.width > 0 && r.right <= window.innerWidth;
    });
    assert(skipVisible, 'the focused skip link is visible on screen');
    await shot(page, 'desktop-skip-link-focused');
    await page.keyboard.press('Enter');
    assert(page.url().endsWith('#main'), `Enter on the skip link goes to #main (url ${page.url()})`);
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => !!document.activeElement.closest('main'));
    assert(inMain, 'after the skip link, the next Tab stop is inside <main>');
    eq(await page.evaluate(() => document.activeElement.id), 'f-login', 'the first control in main');
    assert(await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    }), 'the focused field shows a focus outline');
    await page.keyboard.type(USERS.agency3.login);
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.id), 'f-password', 'Tab from login goes to');
    await page.keyboard.type(PW);
    await navigating(page, () => page.keyboard.press('Enter'));
    eq(new URL(page.url()).pathname, '/', 'after a keyboard sign-in, the page');

    for (const p of ['/login', '/', '/requests/new?kind=aid_incoming']) {
      if (p === '/login') {
        const anon = await browser.newContext({ viewport: DESKTOP });
        try {
          const ap = await anon.newPage();
          await ap.goto(stack.base + p);
          const bad = await unlabelledControls(ap);
          assert(bad.length === 0, `controls without a label on ${p}: ${bad.join(', ')}`);
        } finally {
          await anon.close();
        }
        continue;
      }
      await page.goto(stack.base + p);
      const bad = await unlabelledControls(page);
      assert(bad.length === 0, `controls without a label on ${p}: ${bad.join(', ')}`);
      eq(await page.locator('a.skip[href="#main"]').count(), 1, `skip link on ${p}`);
      eq(await page.locator('main#main').count(), 1, `main#main on ${p}`);
    }

    // The request form can be reached and filled from the keyboard: every
    // control of the form is reachable with Tab, in document order.
    await page.goto(stack.base + '/requests/new?kind=aid_incoming');
    // A radio group is one Tab stop (its first radio, none being chosen);
    // the folded "More detail" is one (its summary) until it is opened.
    const expected = await page.evaluate(() => {
      const groups = new Set();
      return [...document.querySelectorAll('form.request-form input, form.request-form select, form.request-form textarea, form.request-form button, form.request-form summary')]
        .filter((e) => e.type !== 'hidden' && !e.disabled && (e.tagName === 'SUMMARY' || !e.closest('details:not([open])')))
        .filter((e) => e.type !== 'radio' || (!groups.has(e.name) && groups.add(e.name)))
        .map((e) => e.id || `${e.name}=${e.value || e.textContent.trim()}`);
    });
    const reached = [];
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || !e.closest('form.request-form')) return null;
        return e.id || `${e.name}=${e.value || e.textContent.trim()}`;
      });
      // A date-time field has several Tab stops (day, month, ...): count it once.
      if (id && reached[reached.length - 1] !== id) reached.push(id);
      if (id && id === expected[expected.length - 1]) break;
    }
    eq(JSON.stringify(reached), JSON.stringify(expected), 'Tab order through the request form');
  } finally {
    await ctx.close();
  }
});

test('without JavaScript the request form still files a request', async ({ browser, stack }) => {
  const ctx = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    await signIn(page, stack, USERS.agency3.login, PW);
    // The one script is the portal's own file (static/draft.js, keeping a
    // typed request across a sign-in): nothing inline, nothing needed.
    const ownOnly = async () => JSON.stringify(await page.locator('script').evaluateAll(
      (els) => els.map((e) => (e.getAttribute('src') || 'inline') + (e.textContent.trim() ? ' with text' : ''))));
    eq(await ownOnly(), '["/static/draft.js"]', 'script elements on the home page');
    await navigating(page, () => page.getByRole('link', { name: ASK, exact: true }).click());
    eq(await ownOnly(), '["/static/draft.js"]', 'script elements on the request form');
    // Invalid first: the server, not the browser, validates (the form has novalidate).
    await page.fill('#f-requester_name', 'No JS Person');
    const r1 = await navigating(page, () => requestSubmit(page));
    eq(r1.status(), 422, 'status of an incomplete form without JavaScript');
    eq(await page.inputValue('#f-requester_name'), 'No JS Person', 'requester_name kept without JavaScript');
    const nature = 'No-JavaScript browser: tornado damage on Hwy 16, need traffic control.';
    await fillAidForm(page, { nature });
    const r2 = await navigating(page, () => requestSubmit(page));
    eq(r2.status(), 200, 'status after filing without JavaScript');
    assert(/^\/requests\/\d+$/.test(new URL(page.url()).pathname), `after filing, the page is /requests/ID (got ${page.url()})`);
    assert((await page.locator('main').textContent()).includes(nature), 'the stored request shows the nature text');
    await shot(page, 'desktop-nojs-request-stored');
  } finally {
    await ctx.close();
  }
});

test('Content-Security-Policy on pages and on /static/portal.css', async ({ browser, stack }) => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await ctx.newPage();
    const cspViolations = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text()); });
    const check = (resp, what) => {
      const h = resp.headers();
      const csp = h['content-security-policy'];
      assert(csp, `${what}: no Content-Security-Policy header`);
      assert(/default-src 'self'/.test(csp), `${what}: CSP has default-src 'self' (got ${csp})`);
      assert(!/unsafe-inline|unsafe-eval/.test(csp), `${what}: CSP allows unsafe-inline/unsafe-eval (got ${csp})`);
      assert(/frame-ancestors 'none'/.test(csp), `${what}: CSP has frame-ancestors 'none' (got ${csp})`);
      eq(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
    };
    const seenCss = [];
    page.on('response', (r) => { if (new URL(r.url()).pathname === '/static/portal.css') seenCss.push(r); });

    const rLogin = await page.goto(stack.base + '/login');
    check(rLogin, 'GET /login');
    await signIn(page, stack, USERS.supervisor.login, PW);
    const rHome = await page.goto(stack.base + '/');
    check(rHome, 'GET /');
    const rForm = await page.goto(stack.base + '/requests/new?kind=aid_incoming');
    check(rForm, 'GET /requests/new?kind=aid_incoming');
    const rMissing = await page.goto(stack.base + '/no/such/page');
    eq(rMissing.status(), 404, 'status of a page that does not exist');
    check(rMissing, 'GET /no/such/page (404)');

    // The stylesheet: as the browser fetched it, and fetched afresh.
    assert(seenCss.length > 0, 'the browser loaded /static/portal.css');
    const rCss = await page.goto(stack.base + '/static/portal.css');
    eq(rCss.status(), 200, 'GET /static/portal.css status');
    assert((rCss.headers()['content-type'] || '').startsWith('text/css'), `portal.css content type (got ${rCss.headers()['content-type']})`);
    check(rCss, 'GET /static/portal.css');
    const api = await ctx.request.get(stack.base + '/static/portal.css');
    check({ headers: () => api.headers() }, 'GET /static/portal.css (API request)');

    // The stylesheet actually applies (CSP does not block it).
    await page.goto(stack.base + '/');
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector('header.top')).backgroundColor);
    assert(bg !== 'rgba(0, 0, 0, 0)', `the portal stylesheet applies (header background ${bg})`);
    assert(cspViolations.length === 0, `CSP violations reported by the browser: ${cspViolations.join(' | ')}`);
  } finally {
    await ctx.close();
  }
});

// Tests of the other modules; the Nu HTML Checker's (pages.mjs) last, over
// every page saved before it.
for (const t of milwaukeeTests) test(t.name, t.fn, { preset: t.preset, users: t.users });
for (const t of agencyTests) test(t.name, t.fn, { users: t.users });
for (const t of accountTests) test(t.name, t.fn, { users: t.users });
for (const t of pageTests) test(t.name, t.fn, { users: t.users });

// ---------------------------------------------------------------- main

async function main() {
  const patterns = process.argv.slice(2);
  const selected = patterns.length ? tests.filter((t) => patterns.some((p) => t.name.includes(p))) : tests;
  let passed = 0;
  let failed = 0;
  const stacks = new Map();            // preset -> Stack
  let browser = null;
  const stopAll = () => { for (const s of stacks.values()) s.stop(); };

  const onSignal = (sig) => {
    log(`${sig}: stopping`);
    stopAll();
    process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, onSignal);
  // Whatever goes wrong, the stacks are stopped.
  process.on('exit', stopAll);
  process.on('unhandledRejection', (e) => { log(`unhandled rejection: ${(e && e.stack) || e}`); });

  if (!fs.existsSync(CHROMIUM)) {
    console.log(`FAIL setup: ${CHROMIUM} not found (install Debian's chromium: make deps-test)`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });

  try {
    // One stack per preset the selected tests need, started side by side.
    const presets = [...new Set(selected.map((t) => t.preset))];
    for (const p of presets) stacks.set(p, new Stack(await freePort(), p));
    const t0 = Date.now();
    const started = await Promise.allSettled([...stacks.values()].map(async (s) => {
      log(`starting a stack: PORTAL_VAR=${s.var} PORTAL_PORT=${s.port} PORTAL_POLICY=${s.policy}`);
      await s.start();
      log(`stack ${s.policy} up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${s.base}`);
    }));
    const bad = started.find((r) => r.status === 'rejected');
    if (bad) throw bad.reason;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    });

    for (const t of selected) {
      const t1 = Date.now();
      try {
        const stack = stacks.get(t.preset);
        stack.ensureUsers(t.users, PW);
        await t.fn({ browser, stack });
        passed++;
        console.log(`ok   ${t.name} (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        const msg = e instanceof AssertionError ? e.message : (e && e.stack) || String(e);
        console.log(`FAIL ${t.name}: ${msg.split('\n').join('\n     ')}`);
      }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL setup: ${((e && e.stack) || String(e)).split('\n').join('\n     ')}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const s of stacks.values()) {
      s.stop();
      if (failed === 0 && process.env.PORTAL_TEST_KEEP !== '1') s.remove();
      else log(`kept PORTAL_VAR=${s.var} (stack log ${s.stackLog})`);
    }
  }
  log(`screenshots in ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
