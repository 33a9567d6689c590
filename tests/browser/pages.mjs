// Every page each role can reach, at phone widths, with axe-core; the HTML
// of each saved and checked by the Nu HTML Checker; the focus indicator's
// contrast; the two filing jobs of issue 13 with their click and keystroke
// counts. run.mjs runs these tests against the default preset's stack.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  DESKTOP, HERE, OUT, assert, eq, horizontalOverflow, navigating, shot, signIn, PW,
  axeViolations,
} from './lib.mjs';
import { CASE_NUMBER, FED_NATURE, AGENCY_NATURE, agencyHelpJob, detectiveFederalJob } from './journeys.mjs';

export const HTML_DIR = path.join(OUT, 'html');
const VNU = path.join(HERE, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const WIDTHS = [320, 390];
// Whose home and request page are screenshotted at 320 px (full pages are slow).
const SHOTS_OF = new Set(['agency', 'detective', 'dispatcher']);

// One account of every role (the default preset needs no bureau or district).
export const USERS = {
  agency: { login: 'pg-agency', role: 'agency', name: 'Dana Whitfield', attrs: { agency: 'Delafield Police Department', agency_type: 'local' } },
  fedagency: { login: 'pg-fed', role: 'agency', name: 'Robin Hale', attrs: { agency: 'FBI Milwaukee Field Office', agency_type: 'federal' } },
  officer: { login: 'pg-officer', role: 'officer', name: 'Devon Price' },
  detective: { login: 'pg-det', role: 'detective', name: 'Chris Novak' },
  supervisor: { login: 'pg-sup', role: 'supervisor', name: 'Pat Kowalski' },
  dispatcher: { login: 'pg-disp', role: 'dispatcher', name: 'Rosa Delgado' },
  dsup: { login: 'pg-dsup', role: 'dispatch_supervisor', name: 'Marcus Bell' },
  commander: { login: 'pg-cmdr', role: 'commander', name: 'Morgan Price' },
  watch: { login: 'pg-watch', role: 'watch_commander', name: 'Tomas Nowak' },
  unitcmd: { login: 'pg-swat', role: 'unit_commander', name: 'Keisha Grant', attrs: { unit: 'swat' } },
  chief: { login: 'pg-chief', role: 'chief', name: 'Jeffrey Norman' },
  admin: { login: 'pg-admin', role: 'admin', name: 'Priya Raman' },
};

export const pageTests = [];
function test(name, fn) {
  pageTests.push({ name, fn, users: Object.values(USERS) });
}

// Saves a page's HTML as the server sent it, for the Nu HTML Checker.
export async function saveHtml(name, resp) {
  fs.mkdirSync(HTML_DIR, { recursive: true });
  fs.writeFileSync(path.join(HTML_DIR, name.replace(/[^a-z0-9_-]+/gi, '_') + '.html'), await resp.text());
}


// The pages linked from this one that a person of this role can open: same
// origin, GET, no downloads; one form per kind; one page of each id'd kind.
async function links(page) {
  return page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
}

function keep(base, href, seen, requests) {
  const u = new URL(href);
  if (u.origin !== base || /\.(csv|json|pdf)$/.test(u.pathname) || u.pathname.startsWith('/static/')) return null;
  if (u.search && !(u.pathname === '/requests/new' && u.searchParams.get('kind'))) return null;
  const key = u.pathname + u.search;
  if (seen.has(key)) return null;
  // One of each kind of page with an id (a request and its sheet, an
  // account): the same template again adds time, not pages.
  const m = /^(\/.*?\/)(\d+)(\/|$)/.exec(u.pathname);
  if (m) {
    const ids = requests.get(m[1]) || new Set();
    if (!ids.has(m[2]) && ids.size >= 1) return null;
    ids.add(m[2]);
    requests.set(m[1], ids);
  }
  return key;
}

// A request of each kind the sweep needs to show: an agency's, a detective's.
async function fileSome(browser, stack) {
  for (const [who, job] of [[USERS.agency, agencyHelpJob], [USERS.detective, detectiveFederalJob]]) {
    const ctx = await browser.newContext({ viewport: DESKTOP });
    try {
      const page = await ctx.newPage();
      await signIn(page, stack, who.login, PW);
      const r = await job(page, stack);
      eq(r.resp.status(), 200, `status after ${who.login} filed`);
    } finally {
      await ctx.close();
    }
  }
}

test('every page of every role at 320 and 390 px: no horizontal scrolling (WCAG 1.4.10), axe-core 0 violations, HTML saved', async ({ browser, stack }) => {
  await fileSome(browser, stack);
  fs.rmSync(HTML_DIR, { recursive: true, force: true });
  const problems = [];
  const skipped = [];
  let visited = 0;
  for (const [key, u] of Object.entries(USERS)) {
    const ctx = await browser.newContext({ viewport: { width: WIDTHS[0], height: 720 }, bypassCSP: true });
    try {
      const page = await ctx.newPage();
      await signIn(page, stack, u.login, PW);
      const seen = new Set(['/']);
      const requests = new Map();      // path before an id -> the ids kept
      const queue = ['/'];
      while (queue.length) {
        const p = queue.shift();
        await page.setViewportSize({ width: WIDTHS[0], height: 720 });
        const resp = await page.goto(stack.base + p);
        // A link this role may not follow is not a page it reaches (the
        // navigation's business); the page it did reach is checked.
        if (resp.status() !== 200) {
          skipped.push(`${key} ${p} (${resp.status()})`);
          continue;
        }
        await saveHtml(`${key}${p}`, resp);
        for (const h of await links(page)) {
          const k = keep(stack.base, h, seen, requests);
          if (k) { seen.add(k); queue.push(k); }
        }
        // axe once per page; the widths by resizing the same page (reflow).
        const v = await axeViolations(page);
        if (v.length) problems.push(`${key} ${p}: axe: ${v.join('; ')}`);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 720 });
          const sw = await page.evaluate(() => document.documentElement.scrollWidth);
          if (sw > width) problems.push(`${key} ${p} at ${width}: ${await horizontalOverflow(page) || `scrollWidth ${sw}`}`);
          if (width === WIDTHS[0] && SHOTS_OF.has(key) && /^\/(requests\/\d+)?$/.test(p)) await shot(page, `w320-${key}${p.replace(/[^a-z0-9]+/gi, '_')}`);
        }
        visited++;
      }
      assert(seen.size >= 3, `${key} reaches at least 3 pages (got ${[...seen].join(' ')})`);
    } finally {
      await ctx.close();
    }
  }
  assert(visited >= 50, `pages visited: ${visited}`);
  if (skipped.length) console.log(`     links answered other than 200 (not followed): ${skipped.join(', ')}`);
  eq(problems.length, 0, `pages that scroll sideways or fail axe:\n${problems.join('\n')}\n(count)`);
});

// The relative luminance and contrast ratio of WCAG 2.x (G18).
function luminance([r, g, b]) {
  const c = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
}
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('focus indicator: its outline has >= 3:1 contrast against the background around it (WCAG 2.4.7, 1.4.11)', async ({ browser, stack }) => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await ctx.newPage();
    await signIn(page, stack, USERS.supervisor.login, PW);
    const bad = [];
    let checked = 0;
    for (const p of ['/', '/requests/new?kind=aid_incoming', '/inbox', '/history']) {
      await page.goto(stack.base + p);
      // Tab through the page; for each focused element, the outline colour
      // against the first opaque background behind it.
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
          let bgEl = el.parentElement, bg = [255, 255, 255, 1];
          while (bgEl) {
            const c = rgb(getComputedStyle(bgEl).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c; break; }
            bgEl = bgEl.parentElement;
          }
          return { what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${el.textContent.trim().slice(0, 20)}`,
            style: s.outlineStyle, width: parseFloat(s.outlineWidth), outline: rgb(s.outlineColor).slice(0, 3), bg: bg.slice(0, 3) };
        });
        if (!f) continue;
        checked++;
        const ratio = contrast(f.outline, f.bg);
        if (f.style === 'none' || f.width < 2 || ratio < 3) bad.push(`${p} ${f.what}: outline ${f.style} ${f.width}px rgb(${f.outline}) on rgb(${f.bg}) = ${ratio.toFixed(2)}:1`);
      }
    }
    assert(checked >= 100, `focused elements checked: ${checked}`);
    eq(bad.length, 0, `focus indicators under 3:1:\n${bad.join('\n')}\n(count)`);
  } finally {
    await ctx.close();
  }
});

// The jobs of issue 13 with what they cost (docs/usability.md has the
// counts before the change, measured with tests/browser/measure.mjs).
test('detective files a federal investigative request: defining fields above the fold, 8 clicks, 78 keystrokes', async ({ browser, stack }) => {
  for (const vp of [DESKTOP, { width: 320, height: 720 }]) {
    const ctx = await browser.newContext({ viewport: vp.width === DESKTOP.width ? { width: 1280, height: 800 } : vp });
    try {
      const page = await ctx.newPage();
      await signIn(page, stack, USERS.detective.login, PW);
      await page.goto(stack.base + '/requests/new?kind=federal_investigative');
      const order = await page.locator('form.request-form > fieldset:first-of-type [name]').evaluateAll((els) => [...new Set(els.map((e) => e.name))]);
      eq(JSON.stringify(order), JSON.stringify(['federal_agency', 'case_number', 'investigation_category', 'nature', 'priority']), 'the fields asked first, in order');
      eq(await page.locator('input[name=priority]:checked').count(), 0, 'a preselected priority');
      eq(await page.locator('[name=squads], [name=special_units], [name=emergency], [name=channel]').count(), 0, 'fields of other kinds on the form');
      if (vp.width === DESKTOP.width) {
        const bottom = await page.locator('fieldset.choices#f-investigation_category').evaluate((el) => el.getBoundingClientRect().bottom);
        assert(bottom <= 800, `the kind of investigation ends above the fold at 1280x800 (bottom ${bottom})`);
      }
      await shot(page, `journey-detective-form-${vp.width}`);
      const r = await detectiveFederalJob(page, stack);
      eq(r.resp.status(), 200, 'status after filing');
      assert(/^\/requests\/\d+$/.test(new URL(page.url()).pathname), `after filing, the page is /requests/ID (got ${page.url()})`);
      const main = await page.locator('main').textContent();
      for (const t of [CASE_NUMBER, FED_NATURE]) assert(main.includes(t), `the stored request shows ${JSON.stringify(t)}`);
      await shot(page, `journey-detective-filed-${vp.width}`);
      eq(JSON.stringify([r.clicks, r.fields, r.keystrokes]), JSON.stringify([8, 2, 78]), 'clicks, fields typed, keystrokes');
    } finally {
      await ctx.close();
    }
  }
});

test('outside agency asks for help: the department\'s name, an explicit emergency answer, 11 clicks, 102 keystrokes', async ({ browser, stack }) => {
  for (const vp of [{ width: 1280, height: 800 }, { width: 320, height: 720 }]) {
    const ctx = await browser.newContext({ viewport: vp });
    try {
      const page = await ctx.newPage();
      await signIn(page, stack, USERS.agency.login, PW);
      const link = page.locator('main a[href="/requests/new?kind=aid_incoming"]');
      eq((await link.textContent()).trim(), 'Ask for help from City of Oconomowoc Police Department', 'the home page link');
      await navigating(page, () => link.click());
      eq((await page.locator('h1').textContent()).trim(), 'Ask for help from City of Oconomowoc Police Department', 'the form heading');
      eq(await page.locator('input[name=emergency]:checked, input[name=priority]:checked').count(), 0, 'a preselected emergency or priority');
      // Without an answer: 422, the field marked, what was typed kept.
      await page.fill('#f-contact_phone', '262-555-0142');
      await page.fill('#f-nature', AGENCY_NATURE);
      const r1 = await navigating(page, () => page.click('form.request-form button[type=submit]'));
      eq(r1.status(), 422, 'status without an emergency answer');
      eq(await page.getAttribute('#f-emergency', 'aria-invalid'), 'true', 'aria-invalid of the emergency question');
      eq((await page.locator('#err-emergency').textContent()).trim(), 'Is this an emergency? is required.', 'the emergency error');
      eq(await page.inputValue('#f-nature'), AGENCY_NATURE, 'the nature typed, kept');
      eq(await page.inputValue('#f-contact_phone'), '262-555-0142', 'the phone typed, kept');
      await shot(page, `journey-agency-refused-${vp.width}`);
      const r = await agencyHelpJob(page, stack);
      eq(r.resp.status(), 200, 'status after filing');
      assert(/^\/requests\/\d+$/.test(new URL(page.url()).pathname), `after filing, the page is /requests/ID (got ${page.url()})`);
      assert((await page.locator('main').textContent()).includes(AGENCY_NATURE), 'the stored request shows the nature');
      await shot(page, `journey-agency-filed-${vp.width}`);
      eq(JSON.stringify([r.clicks, r.fields, r.keystrokes]), JSON.stringify([11, 4, 102]), 'clicks, fields typed, keystrokes');
    } finally {
      await ctx.close();
    }
  }
});

// Last: every page saved by the tests before it.
test('Nu HTML Checker (vnu-jar, Debian\'s Java): 0 errors on every page saved', async () => {
  const files = fs.existsSync(HTML_DIR) ? fs.readdirSync(HTML_DIR).filter((f) => f.endsWith('.html')) : [];
  assert(files.length >= 30, `pages saved for the checker: ${files.length}`);
  const p = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'gnu', ...files.map((f) => path.join(HTML_DIR, f))], { encoding: 'utf8', timeout: 180_000 });
  eq(p.error, undefined, 'running java -jar vnu.jar');
  const errors = (p.stderr + p.stdout).split('\n').filter((l) => l.trim() !== '');
  eq(errors.length, 0, `Nu HTML Checker errors on ${files.length} pages:\n${errors.slice(0, 30).join('\n')}\n(count)`);
  eq(p.status, 0, 'vnu exit status');
});
