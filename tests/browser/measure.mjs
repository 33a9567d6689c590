// Measures the new-request forms: the height of each kind's form at
// 1280x800 for each role that may file it, where its defining fields end,
// and the clicks and keystrokes of two filing jobs (journeys.mjs). Starts
// its own stack (oconomowoc preset) and stops it.
//
//   node tests/browser/measure.mjs [label]
//
// Prints one JSON object; screenshots go to tests/out/browser/measure-<label>/.
// docs/usability.md has the figures before and after issue 13.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, OUT, PW, Stack, freePort, log, signIn } from './lib.mjs';
import { agencyHelpJob, detectiveFederalJob } from './journeys.mjs';

const USERS = [
  { login: 'ms-det', role: 'detective', name: 'Chris Novak', attrs: {} },
  { login: 'ms-sup', role: 'supervisor', name: 'Pat Kowalski', attrs: {} },
  { login: 'ms-agency', role: 'agency', name: 'Dana Whitfield', attrs: { agency: 'Delafield Police Department', agency_type: 'local' } },
  { login: 'ms-fed', role: 'agency', name: 'Robin Hale', attrs: { agency: 'FBI Milwaukee Field Office', agency_type: 'federal' } },
];
const VIEW = { width: 1280, height: 800 };
const label = process.argv[2] || 'now';
const dir = path.join(OUT, 'measure-' + label);

const stack = new Stack(await freePort(), 'oconomowoc');
process.on('exit', () => stack.stop());
let browser = null;
const result = { label, viewport: VIEW, forms: [], jobs: {} };
try {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await stack.start();
  stack.ensureUsers(USERS, PW);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  for (const u of USERS) {
    const ctx = await browser.newContext({ viewport: VIEW });
    const page = await ctx.newPage();
    await signIn(page, stack, u.login, PW);
    await page.goto(stack.base + '/requests/new');
    const kinds = await page.locator('main a[href^="/requests/new?kind="]').evaluateAll((as) => as.map((a) => new URL(a.href).searchParams.get('kind')));
    for (const kind of kinds) {
      await page.goto(`${stack.base}/requests/new?kind=${kind}`);
      const m = await page.evaluate(() => {
        const form = document.querySelector('form.request-form');
        const visible = (el) => el.getClientRects().length > 0 && !el.closest('details:not([open])');
        const controls = [...form.querySelectorAll('input:not([type=hidden]), select, textarea')];
        const names = [...new Set(controls.filter(visible).map((c) => c.name))];
        const folded = [...new Set(controls.filter((c) => !visible(c)).map((c) => c.name))];
        const bottom = (name) => {
          const el = form.querySelector(`[name="${name}"]`);
          return el ? Math.round(el.getBoundingClientRect().bottom + window.scrollY) : null;
        };
        return {
          height: document.documentElement.scrollHeight,
          shown: names.length, folded: folded.length, first: names.slice(0, 5),
          bottoms: Object.fromEntries(['federal_agency', 'case_number', 'investigation_category'].map((n) => [n, bottom(n)])),
        };
      });
      result.forms.push({ role: u.role, login: u.login, kind, ...m });
      await page.screenshot({ path: path.join(dir, `${u.login}-${kind}.png`), fullPage: true });
    }
    if (u.login === 'ms-det') {
      const j = await detectiveFederalJob(page, stack);
      result.jobs.detective_federal_investigative = { status: j.resp.status(), url: new URL(page.url()).pathname, formHeight: j.formHeight, clicks: j.clicks, fields: j.fields, keystrokes: j.keystrokes };
    }
    if (u.login === 'ms-agency') {
      const j = await agencyHelpJob(page, stack);
      result.jobs.agency_asks_for_help = { status: j.resp.status(), url: new URL(page.url()).pathname, formHeight: j.formHeight, clicks: j.clicks, fields: j.fields, keystrokes: j.keystrokes };
    }
    await ctx.close();
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  stack.stop();
  stack.remove();
}
log(`screenshots in ${dir}`);
console.log(JSON.stringify(result, null, 1));
