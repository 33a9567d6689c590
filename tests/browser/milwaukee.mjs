// Browser tests under the milwaukee preset (SOP 230, General Order 2025-57):
// every role's screen while one telephone request is walked through the real
// forms of the request page, the printable request sheet, the dashboard and
// history as the chief, and the policy page. run.mjs starts a stack of this
// preset for them (beside the default one) and creates USERS there.

import fs from 'node:fs';
import path from 'node:path';
import {
  DESKTOP, OUT, PHONE, SHOTS, assert, eq, horizontalOverflow, navigating, shot, signIn, PW,
} from './lib.mjs';

const PRESET = 'milwaukee';

export const USERS = {
  dispatcher: { login: 'mk-disp', role: 'dispatcher', name: 'Rosa Delgado' },
  dsup: { login: 'mk-dsup', role: 'dispatch_supervisor', name: 'Marcus Bell' },
  bchief: { login: 'mk-bchief', role: 'bureau_chief', name: 'Angela Brooks', attrs: { bureau: 'Patrol Bureau' } },
  watch: { login: 'mk-watch', role: 'watch_commander', name: 'Tomas Nowak' },
  swatcmd: { login: 'mk-swatcmd', role: 'unit_commander', name: 'Keisha Grant', attrs: { unit: 'swat' } },
  officer: { login: 'mk-officer', role: 'officer', name: 'Devon Price' },
  supervisor: { login: 'mk-sup', role: 'supervisor', name: 'Helen Schultz' },
  chief: { login: 'mk-chief', role: 'chief', name: 'Jeffrey Norman' },
  admin: { login: 'mk-admin', role: 'admin', name: 'Priya Raman' },
};

// The policy's own bureaus (policies/milwaukee.policy): the form offers exactly these.
const BUREAUS = ['Patrol Bureau', 'Criminal Investigation Bureau', 'Administration Bureau'];
// The citations the pages show (the policy file's; department rules say so).
const FOLLOWUP_RULE = 'Department rule: SOP 230.10 C.3 asks for a teletype and an official letter "as soon as practicable" after a telephone request; the department tracks both, expects them within 24 hours, and DEC (a dispatcher or a DEC supervisor) or a supervisor records them';

const NATURE = 'Tornado touched down on the north side; Wauwatosa asks for traffic control and a tactical team for a barricaded suspect.';

// The request walked by the first test; the others reuse it (or file one).
let walked = null;

// ---------------------------------------------------------------- helpers

async function statusText(page) {
  return (await page.locator('#status').textContent()).trim();
}

async function expectStatus(page, label, who) {
  eq(await statusText(page), label, `the status badge seen by ${who}`);
}

// The unacknowledged count in the nav (0 when the badge is absent).
async function unread(page) {
  const c = page.locator('nav.main-nav a[href="/inbox"] .count');
  if (await c.count() === 0) return 0;
  return Number((await c.textContent()).trim());
}

// The Status cell of a Deployments row: the label ("On scene") a person
// reads, never the stored id ("on_scene").
async function expectDeploymentStatus(row, value, label, what) {
  const got = (await row.locator('td[data-label=Status]').textContent()).trim();
  eq(got, label, `${what} (not the stored id ${JSON.stringify(value)})`);
}

// A CSV file (RFC 4180: quoted fields, doubled quotes) as rows of fields.
function parseCsv(text) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false; else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += ch;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

// The error summary of a form page, or '' (without waiting for one).
async function errorSummary(page) {
  const l = page.locator('.error-summary');
  return (await l.count()) ? (await l.textContent()).replace(/\s+/g, ' ').trim() : '';
}

function actionForm(page, action) {
  return page.locator(`section.actions form.action[action$="/${action}"]`);
}

async function actionIds(page) {
  return page.locator('section.actions form.action').evaluateAll((fs) => fs.map((f) => f.getAttribute('action').split('/').pop()));
}

// Submits the action form (by its button) and checks the answer.
async function submitAction(page, action, label, expectStatusCode = 200) {
  const form = actionForm(page, action);
  eq(await form.count(), 1, `the "${label}" form on the request page`);
  const r = await navigating(page, () => form.getByRole('button', { name: label, exact: true }).click());
  eq(r.status(), expectStatusCode, `status of the page after "${label}"`);
  return r;
}

// One signed-in browser context per person.
async function people(browser, stack, keys) {
  const p = {};
  for (const k of keys) {
    const ctx = await browser.newContext({ viewport: DESKTOP });
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    await signIn(page, stack, USERS[k].login, PW);
    p[k] = { ctx, page, user: USERS[k] };
  }
  return p;
}

async function closeAll(p) {
  for (const v of Object.values(p)) await v.ctx.close().catch(() => {});
}

// The person's view of the request and their inbox, screenshotted.
async function views(page, stack, id, tag) {
  await page.goto(`${stack.base}/requests/${id}`);
  await shot(page, `mke-${tag}-request`);
  const status = await statusText(page);
  await page.goto(`${stack.base}/inbox`);
  eq((await page.locator('h1').textContent()).trim(), 'Inbox', `inbox heading (${tag})`);
  await shot(page, `mke-${tag}-inbox`);
  await page.goto(`${stack.base}/requests/${id}`);
  return status;
}

// The inbox has an entry for the request (optionally with this clause).
async function inboxMentions(page, stack, id, clause) {
  await page.goto(`${stack.base}/inbox`);
  const items = await page.locator('ul.inbox > li').evaluateAll((lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ')));
  return items.some((t) => t.includes(`Request #${id}`) && (!clause || t.includes(clause)));
}

// The dispatcher logs a telephone request through New request -> "Request for our aid".
async function logPhoneRequest(page, stack, { nature = NATURE } = {}) {
  await page.goto(stack.base + '/');
  await navigating(page, () => page.locator('nav.main-nav').getByRole('link', { name: 'New request' }).click());
  eq(new URL(page.url()).pathname, '/requests/new', 'the "New request" link leads to');
  await navigating(page, () => page.locator('main').getByRole('link', { name: 'Request for our aid', exact: true }).click());
  eq(new URL(page.url()).searchParams.get('kind'), 'aid_incoming', 'the kind of the form');
  await page.fill('#f-requesting_agency', 'Wauwatosa Police Department');
  await page.selectOption('#f-requesting_agency_type', 'local');
  await page.fill('#f-requester_name', 'Lt. Jordan Reyes');
  await page.fill('#f-contact_phone', '414-555-0187');
  await page.selectOption('#f-channel', { label: 'Telephone' });
  await page.selectOption('#f-incident_type', 'weather');
  await page.fill('#f-nature', nature);
  await page.check('input[name=emergency][value=yes]');
  await page.check('input[name=priority][value=urgent]');
  await page.fill('#f-location', '7300 W North Ave, Wauwatosa');
  // SOP 230.10 C vs D: where the aid is, asked in the city's own name.
  const where = (await page.locator('label[for=f-within_city]').textContent()).replace(/\s+/g, ' ');
  assert(where.includes('Is the help needed inside the City of Milwaukee?'), `the within_city question (got ${JSON.stringify(where)})`);
  await page.selectOption('#f-within_city', 'no');
  // The bureau is chosen among the policy's own: a misspelt one cannot be typed.
  eq(await page.locator('#f-bureau').evaluate((el) => el.tagName), 'SELECT', 'the bureau field');
  const offered = await page.locator('#f-bureau option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v !== ''));
  eq(JSON.stringify(offered), JSON.stringify(BUREAUS), 'the bureaus offered');
  await page.selectOption('#f-bureau', 'Patrol Bureau');
  await page.fill('#f-squads', '4');
  await page.check('form.request-form input[name=special_units][value=swat]');
  const r = await navigating(page, () => page.click('form.request-form button[type=submit]'));
  eq(r.status(), 200, 'status of the page after filing');
  const m = /^\/requests\/(\d+)$/.exec(new URL(page.url()).pathname);
  assert(m, `after filing, the page is /requests/ID (got ${page.url()}; ${await errorSummary(page)})`);
  return Number(m[1]);
}

async function ensureRequest(browser, stack) {
  if (walked) return walked;
  const p = await people(browser, stack, ['dispatcher']);
  try {
    walked = await logPhoneRequest(p.dispatcher.page, stack);
    return walked;
  } finally {
    await closeAll(p);
  }
}

// ---------------------------------------------------------------- tests

export const milwaukeeTests = [];
function test(name, fn) {
  milwaukeeTests.push({ name, fn, preset: PRESET, users: Object.values(USERS) });
}

test('milwaukee: every role\'s screen while a telephone request is walked through the request page', async ({ browser, stack }) => {
  const p = await people(browser, stack, Object.keys(USERS));
  try {
    const D = p.dispatcher.page;

    // 1. The dispatcher logs the phone call.
    const id = await logPhoneRequest(D, stack);
    await expectStatus(D, 'Submitted', 'the dispatcher');
    const main = await D.locator('main').textContent();
    for (const v of ['Wauwatosa Police Department', 'Lt. Jordan Reyes', 'Telephone', 'Patrol Bureau', 'SWAT / tactical']) {
      assert(main.includes(v), `the logged request shows ${JSON.stringify(v)}`);
    }
    assert(!(await actionIds(D)).includes('approve'), 'the dispatcher is offered no "Approve"');
    const head = (await D.locator('.request-head').textContent()).replace(/\s+/g, ' ');
    assert(/On-scene assessment SOP 230\.10 C\.3\.c ?: awaited/.test(head), `the request page says the on-scene assessment is awaited (SOP 230.10 C.3.c) (got ${JSON.stringify(head)})`);
    assert(head.includes(`Follow-up documents ${FOLLOWUP_RULE}`) && head.includes('teletype not received yet; official letter not received yet'),
      `the request page shows the follow-up documents under the department's rule (got ${JSON.stringify(head)})`);
    await views(D, stack, id, '1-submitted-dispatcher');

    // 2. The dispatch supervisor: over the cap is refused, within it authorized.
    const S = p.dsup.page;
    assert(await inboxMentions(S, stack, id, 'SOP 230.10 C.3, C.3.a'), `the DEC supervisor's inbox has request #${id} (SOP 230.10 C.3, C.3.a)`);
    await S.goto(`${stack.base}/requests/${id}`);
    await expectStatus(S, 'Submitted', 'the DEC supervisor');
    const auth = actionForm(S, 'authorize');
    assert((await auth.locator('.hint').textContent()).includes('At most 2 squads'), 'the authorize form states the cap');
    await auth.locator('#authorize-squads').fill('3');
    await auth.locator('#authorize-supervisors').fill('1');
    await auth.locator('input[name=special_units][value=swat]').check();
    await submitAction(S, 'authorize', 'Provisionally authorize', 422);
    assert((await S.locator('main').textContent()).includes('SOP 230.10 C.3.a'), 'the refusal over the cap names SOP 230.10 C.3.a');
    await shot(S, 'mke-2-dsup-over-cap-refused');
    await S.goto(`${stack.base}/requests/${id}`);
    await expectStatus(S, 'Submitted', 'the DEC supervisor after the refusal');
    await auth.locator('#authorize-squads').fill('2');
    await auth.locator('#authorize-supervisors').fill('1');
    await auth.locator('input[name=special_units][value=swat]').check();
    await submitAction(S, 'authorize', 'Provisionally authorize');
    await expectStatus(S, 'Provisionally authorized', 'the DEC supervisor');
    eq(await actionForm(S, 'authorize').count(), 0, 'a second "Provisionally authorize" form');
    await views(S, stack, id, '2-provisional-dsup');

    // Roles that may not approve see no "Approve" (the bureau chief is on duty).
    for (const k of ['officer', 'watch', 'swatcmd', 'admin', 'chief', 'supervisor', 'dispatcher', 'dsup']) {
      const pg = p[k].page;
      await pg.goto(`${stack.base}/requests/${id}`);
      await expectStatus(pg, 'Provisionally authorized', k);
      const ids = await actionIds(pg);
      assert(!ids.includes('approve') && !ids.includes('deny'), `${k} (${p[k].user.role}) is offered no Approve/Deny (got ${JSON.stringify(ids)})`);
      if (['officer', 'swatcmd', 'admin', 'watch'].includes(k)) {
        eq(await pg.locator('section.actions').count(), 0, `action forms shown to ${k} (${p[k].user.role})`);
        eq(await pg.locator('main form[method=post]').count(), 0, `forms on the request page of ${k} (${p[k].user.role})`);
      }
    }
    const chiefIds = await actionIds(p.chief.page);
    eq(JSON.stringify(chiefIds), JSON.stringify(['except']), 'the chief\'s only action (an exception, a department rule)');
    // Only what the portal can waive for this request is offered.
    const waivable = await actionForm(p.chief.page, 'except').locator('#except-rule option').evaluateAll((os) => os.map((o) => o.value));
    eq(JSON.stringify(waivable), JSON.stringify(['M-FOLLOWUP', 'M-CAP', 'M-APPROVE', 'M-SEPARATION']), 'the rules the chief may except');
    await shot(p.officer.page, 'mke-2-provisional-officer-request');
    await shot(p.chief.page, 'mke-2-provisional-chief-request');

    // 3. The bureau chief of the bureau requested approves.
    const B = p.bchief.page;
    assert(await inboxMentions(B, stack, id, 'Department rule: the approver sees a request for aid outside the city'),
      `the bureau chief's inbox has request #${id} from its filing (M-APPROVER-FILED, a department rule)`);
    assert(await inboxMentions(B, stack, id, 'SOP 230.10 C.3.a'), `the bureau chief's inbox has request #${id} (SOP 230.10 C.3.a)`);
    assert(await unread(B) >= 1, 'the bureau chief\'s nav shows an unread count');
    await B.goto(`${stack.base}/requests/${id}`);
    const bIds = await actionIds(B);
    assert(bIds.includes('approve') && bIds.includes('deny'), `the bureau chief is offered Approve and Deny (got ${JSON.stringify(bIds)})`);
    await actionForm(B, 'approve').locator('#approve-note').fill('Approved: 4 squads, supervisor and SWAT.');
    await submitAction(B, 'approve', 'Approve');
    await expectStatus(B, 'Approved', 'the bureau chief');
    eq(await actionForm(B, 'approve').count(), 0, 'an "Approve" form after the approval');
    await views(B, stack, id, '3-approved-bureau-chief');
    assert(await inboxMentions(p.chief.page, stack, id), `the chief's inbox has request #${id} after the approval`);

    // 4. The dispatcher sends the officer and SWAT.
    await D.goto(`${stack.base}/requests/${id}`);
    await expectStatus(D, 'Approved', 'the dispatcher');
    const disp = actionForm(D, 'dispatch');
    await disp.locator('#dispatch-assignee-1').fill(USERS.officer.login);
    await disp.locator('input[name=special_units][value=swat]').check();
    await submitAction(D, 'dispatch', 'Dispatch');
    await expectStatus(D, 'Dispatched', 'the dispatcher');
    const rows = D.locator('section[aria-labelledby=h-deployments] tbody tr');
    eq(await rows.count(), 2, 'deployments after the dispatch');
    await views(D, stack, id, '4-dispatched-dispatcher');
    assert(await inboxMentions(p.swatcmd.page, stack, id, 'SOP 230.10 C.3.a'), `the SWAT commander's inbox has request #${id} (SOP 230.10 C.3.a)`);
    await views(p.swatcmd.page, stack, id, '4-dispatched-swat-commander');

    // 5. The officer checks in for their own deployment: on scene, then returned.
    const O = p.officer.page;
    await O.goto(`${stack.base}/requests/${id}`);
    await expectStatus(O, 'Dispatched', 'the officer');
    eq(await O.locator('section.actions').count(), 0, 'action forms shown to the officer');
    const depRow = (pg, who) => pg.locator('section[aria-labelledby=h-deployments] tbody tr').filter({ has: pg.locator('td[data-label="Unit or officer"]', { hasText: who }) });
    const mine = depRow(O, USERS.officer.login);
    eq(await mine.count(), 1, 'the officer\'s row in the Deployments table');
    eq(await depRow(O, 'SWAT').locator('form.checkin').count(), 0, 'a check-in form for SWAT offered to the officer');
    for (const [value, label] of [['on_scene', 'On scene'], ['returned', 'Returned']]) {
      await mine.locator('select[name=status]').selectOption(value);
      await mine.locator('input[name=note]').fill(`${label} (officer)`);
      const r = await navigating(O, () => mine.getByRole('button', { name: 'Check in' }).click());
      eq(r.status(), 200, `status after checking in "${label}"`);
      await expectDeploymentStatus(mine, value, label, 'the officer\'s deployment status');
      await expectStatus(O, 'Dispatched', 'the officer after a check-in');
      await shot(O, `mke-5-checkin-${value}-officer-request`);
    }
    // The deployments and their check-in row on a 320 px phone (WCAG
    // 1.4.10): no sideways scrolling, each cell with its column's label.
    for (const [who, pg] of [['officer', O], ['dispatcher', D]]) {
      await pg.setViewportSize({ width: 320, height: 720 });
      await pg.goto(`${stack.base}/requests/${id}`);
      eq(await horizontalOverflow(pg), null, `the request page with deployments at 320 px (${who})`);
      const labels = await pg.locator('section[aria-labelledby=h-deployments] tbody tr:first-child td').evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content));
      eq(JSON.stringify(labels), JSON.stringify(['"Unit or officer: "', '"Authorized by: "', '"Sent: "', '"Status: "', '"Last check-in: "', '"Check in: "']), `the deployment labels at 320 px (${who})`);
      await shot(pg, `mke-5-deployments-320-${who}`);
      await pg.locator('section[aria-labelledby=h-deployments]').screenshot({ path: path.join(SHOTS, `mke-5-deployments-320-${who}-table.png`) });
      await pg.setViewportSize(DESKTOP);
    }
    await views(O, stack, id, '5-returned-officer');

    // 6. The dispatcher: SWAT returned, teletype and letter, close.
    await D.goto(`${stack.base}/requests/${id}`);
    const swat = depRow(D, 'SWAT');
    await swat.locator('select[name=status]').selectOption('returned');
    await navigating(D, () => swat.getByRole('button', { name: 'Check in' }).click());
    await expectDeploymentStatus(swat, 'returned', 'Returned', 'the SWAT deployment status');
    for (const [type, label] of [['teletype', 'Teletype'], ['letter', 'Official letter']]) {
      const fu = actionForm(D, 'followup');
      await fu.locator('#followup-type').selectOption(type);
      await fu.locator('#followup-note').fill(`${label} received from Wauwatosa PD`);
      await submitAction(D, 'followup', 'Record the teletype or letter');
      const tl = await D.locator('ol.timeline').textContent();
      assert(tl.toLowerCase().includes(type), `the timeline records the ${type} (got ${JSON.stringify(tl.slice(0, 400))})`);
    }
    await expectStatus(D, 'Dispatched', 'the dispatcher before closing');
    await actionForm(D, 'close').locator('#close-note').fill('All units returned; no injuries.');
    await submitAction(D, 'close', 'Close');
    await expectStatus(D, 'Closed', 'the dispatcher');
    // Closed, both documents in: nothing left to do (the follow-ups are
    // recorded after closing only while one is missing); checked at the end.
    const closedActions = await actionIds(D);
    eq(await D.locator('form.checkin').count(), 0, 'check-in forms on a closed request');
    await views(D, stack, id, '6-closed-dispatcher');

    // 7. The chief acknowledges a notification; the count goes down.
    const C = p.chief.page;
    await C.goto(`${stack.base}/inbox`);
    const before = await unread(C);
    assert(before >= 1, `the chief's nav shows unread notifications (got ${before})`);
    await shot(C, 'mke-7-chief-inbox-before-ack');
    const item = C.locator('ul.inbox > li.unacked').filter({ hasText: `Request #${id}` }).first();
    await navigating(C, () => item.getByRole('button', { name: 'Acknowledge' }).click());
    const after = await unread(C);
    eq(after, before - 1, 'the chief\'s unread count after acknowledging one');
    await C.goto(`${stack.base}/inbox`);
    eq(await unread(C), before - 1, 'the unread count after reloading the inbox');
    await shot(C, 'mke-7-chief-inbox-after-ack');

    // Everyone's final view of the request and of their inbox.
    for (const k of Object.keys(USERS)) {
      const st = await views(p[k].page, stack, id, `8-final-${k}`);
      eq(st, 'Closed', `the status seen by ${k}`);
    }
    walked = id;
    eq(JSON.stringify(closedActions), '[]', 'action forms on a closed request with its teletype and letter in');
  } finally {
    await closeAll(p);
  }
});

test('milwaukee: the printable request sheet (print media and PDF)', async ({ browser, stack }) => {
  const id = await ensureRequest(browser, stack);
  const p = await people(browser, stack, ['dispatcher']);
  try {
    const page = p.dispatcher.page;
    const r = await page.goto(`${stack.base}/requests/${id}/print`);
    eq(r.status(), 200, 'GET /requests/ID/print status');
    await page.emulateMedia({ media: 'print' });
    await shot(page, 'mke-print-sheet');
    const text = (await page.locator('main').textContent()).replace(/\s+/g, ' ');
    for (const s of [`Request No. ${id}`, 'Wauwatosa Police Department', 'Milwaukee Police Department']) {
      assert(text.includes(s), `the sheet mentions ${JSON.stringify(s)}`);
    }
    // SOP 230 names no statute (Oconomowoc's policy cites Wis. Stat. 66.0313).
    eq(await page.locator('.print-sheet .authority').count(), 0, 'an "Authority" line on the sheet');
    const units = (await page.locator('table.sheet tr', { hasText: 'Specialized units' }).locator('td').textContent()).trim();
    eq(units, 'SWAT / tactical', 'the sheet\'s "Specialized units" (their labels, not the stored ids)');
    const clauses = await page.locator('.print-sheet ul.rules .clause').allTextContents();
    assert(clauses.length >= 2, `the sheet lists the policy clauses that applied (got ${JSON.stringify(clauses)})`);
    assert(clauses.some((c) => c === 'SOP 230.10 C.3.a'), `the clauses include SOP 230.10 C.3.a (got ${JSON.stringify(clauses)})`);
    assert(!(await page.locator('.no-print').isVisible()), 'the "Back to the request" line is hidden in print');
    assert(!(await page.locator('nav.main-nav').isVisible()), 'the navigation is hidden in print');
    const pdfFile = path.join(OUT, 'request-sheet.pdf');
    const pdf = await page.pdf({ path: pdfFile, format: 'Letter', printBackground: true });
    const raw = pdf.toString('latin1');
    const pages = (raw.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
    assert(pages === 1 || pages === 2, `the PDF of the request sheet has 1 or 2 pages (got ${pages}; ${pdfFile})`);
    assert(fs.statSync(pdfFile).size > 1000, 'the PDF file was written');
  } finally {
    await closeAll(p);
  }
});

test('milwaukee: dashboard and history as the chief (desktop and phone)', async ({ browser, stack }) => {
  await ensureRequest(browser, stack);
  // A federal request, so that the dashboard's federal table has a row.
  const sp = await people(browser, stack, ['supervisor']);
  try {
    const page = sp.supervisor.page;
    await page.goto(stack.base + '/requests/new?kind=federal_emergency');
    // An emergency by its kind (SOP 230): not asked; the supervisor is the
    // person asking (filled in); the agency and phone are optional detail.
    eq(await page.locator('[name=emergency]').count(), 0, 'an emergency question on the federal emergency form');
    eq(await page.inputValue('#f-requester_name'), 'Helen Schultz', 'the person asking, filled in');
    await page.click('details.more > summary');
    await page.fill('#f-requesting_agency', 'Milwaukee Police Department');
    await page.fill('#f-requester_name', 'Sgt. Helen Schultz');
    await page.fill('#f-contact_phone', '414-555-0100');
    await page.selectOption('#f-incident_type', 'active_shooter');
    await page.fill('#f-nature', 'Active shooter at a federal building; FBI tactical support requested.');
    await page.check('input[name=priority][value=urgent]');
    await page.fill('#f-location', '517 E Wisconsin Ave, Milwaukee');
    await page.selectOption('#f-federal_agency', 'fbi');
    const r = await navigating(page, () => page.click('form.request-form button[type=submit]'));
    const errs = await errorSummary(page);
    eq(r.status(), 200, `status after filing a federal emergency request (${errs})`);
  } finally {
    await closeAll(sp);
  }

  const p = await people(browser, stack, ['chief']);
  try {
    const page = p.chief.page;
    for (const [vp, size] of [['desktop', DESKTOP], ['phone', PHONE], ['320px', { width: 320, height: 720 }]]) {
      await page.setViewportSize(size);
      const r = await page.goto(stack.base + '/dashboard');
      eq(r.status(), 200, 'GET /dashboard status');
      const charts = page.locator('svg[role=img]');
      eq(await charts.count(), 2, 'charts (svg role=img) on the dashboard');
      for (let i = 0; i < 2; i++) {
        const title = await charts.nth(i).evaluate((svg) => {
          const t = svg.querySelector(':scope > title');
          return t ? t.textContent.trim() : '';
        });
        assert(title.length > 5, `chart ${i + 1} has a <title> (got ${JSON.stringify(title)})`);
        const box = await charts.nth(i).boundingBox();
        assert(box && box.width > 100 && box.height > 50, `chart ${i + 1} is drawn at a readable size (${JSON.stringify(box)})`);
      }
      const numbers = page.locator('table.numbers');
      assert(await numbers.count() >= 1, 'a table of numbers');
      const cells = await numbers.locator('tbody td').allTextContents();
      assert(cells.length > 0 && cells.every((c) => /^\d+$/.test(c.trim()) || c.trim() !== ''), `the numbers table has cells (got ${JSON.stringify(cells.slice(0, 10))})`);
      const fed = page.locator('section[aria-labelledby=h-federal] table tbody tr');
      assert(await fed.count() >= 1, 'the federal requests table has a row');
      assert((await fed.first().textContent()).includes('Emergency federal') || (await fed.first().textContent()).length > 10, 'the federal row says something');
      // How big the chart labels come out (SVG text scales with the chart).
      // (The labels a phone leaves out, every other week's, are not drawn.)
      const tick = await page.locator('svg.chart text').evaluateAll((ts) => Math.min(...ts.map((t) => t.getBoundingClientRect().height).filter((h) => h > 0)));
      assert(tick >= 9, `/dashboard at ${vp} width: the chart labels are at least 9 px high (got ${tick.toFixed(1)})`);
      // No two labels of a chart drawn over each other.
      const overlaps = await page.locator('svg.chart').evaluateAll((svgs) => svgs.flatMap((svg, n) => {
        const rs = [...svg.querySelectorAll('text')].map((t) => ({ s: t.textContent, r: t.getBoundingClientRect() }));
        const out = [];
        for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
          const a = rs[i].r, b = rs[j].r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 1 && h > 1) out.push(`chart ${n + 1}: "${rs[i].s}" / "${rs[j].s}"`);
        }
        return out;
      }));
      eq(JSON.stringify(overlaps), '[]', `/dashboard at ${vp} width: chart labels drawn over each other`);
      await shot(page, `mke-dashboard-${vp}`);
      eq(await horizontalOverflow(page), null, `/dashboard at ${vp} width: horizontal overflow`);

      // History: all, then filtered by kind.
      await page.goto(stack.base + '/history');
      const all = await page.locator('table.list tbody tr').count();
      const totalAll = Number((await page.locator('.result-line strong').textContent()).trim());
      assert(totalAll >= 2 && all >= 2, `history lists the requests (total ${totalAll}, rows ${all})`);
      await shot(page, `mke-history-${vp}`);
      const hq = (await page.locator('#h-q').boundingBox()).height;
      const ha = (await page.locator('#h-agency').boundingBox()).height;
      assert(Math.abs(hq - ha) <= 4, `/history at ${vp} width: the Words field is ${Math.round(hq)} px high, the other fields ${Math.round(ha)} px`);
      await page.selectOption('#h-kind', 'aid_incoming');
      await navigating(page, () => page.getByRole('button', { name: 'Search', exact: true }).click());
      const u = new URL(page.url());
      eq(u.pathname, '/history', 'the filtered history page');
      eq(u.searchParams.get('kind'), 'aid_incoming', 'the kind filter in the URL');
      eq(await page.inputValue('#h-kind'), 'aid_incoming', 'the kind select keeps the filter');
      const totalIn = Number((await page.locator('.result-line strong').textContent()).trim());
      assert(totalIn >= 1 && totalIn < totalAll, `the filter narrows the history (${totalIn} of ${totalAll})`);
      const kinds = await page.locator('table.list tbody td[data-label=Kind]').allTextContents();
      assert(kinds.length >= 1 && kinds.every((k) => k.includes('Request for our aid')), `every row is "Request for our aid" (got ${JSON.stringify(kinds)})`);
      await shot(page, `mke-history-filtered-${vp}`);
      eq(await horizontalOverflow(page), null, `/history at ${vp} width: horizontal overflow`);

      if (vp === 'desktop') {
        const csvLink = page.locator('.result-line a', { hasText: 'CSV' });
        assert((await csvLink.getAttribute('href')).includes('kind=aid_incoming'), 'the CSV link keeps the filter');
        const [dl] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
        const file = path.join(OUT, 'history.csv');
        await dl.saveAs(file);
        const csv = fs.readFileSync(file, 'utf8');
        // The header row id,created_at,kind,... (its fields may be quoted, RFC 4180).
        const rows = parseCsv(csv);
        eq(rows[0].slice(0, 3).join(','), 'id,created_at,kind', `the CSV's header row (file starts ${JSON.stringify(csv.slice(0, 40))})`);
        eq(csv.slice(0, 24), '"id","created_at","kind"', 'the CSV\'s first bytes (every field quoted alike, RFC 4180)');
        const kindCol = rows[0].indexOf('kind');
        eq(rows.length - 1, totalIn, 'data rows in the CSV (the filtered total)');
        assert(rows.slice(1).every((r) => r.length === rows[0].length && r[kindCol] === 'aid_incoming'),
          `every CSV row has ${rows[0].length} fields and kind aid_incoming (got ${JSON.stringify(rows.slice(1).map((r) => [r.length, r[kindCol]]))})`);
      }
    }
  } finally {
    await closeAll(p);
  }
});

test('milwaukee: the policy page lists the rules grouped with their clauses', async ({ browser, stack }) => {
  const p = await people(browser, stack, ['chief']);
  const overflows = [];
  try {
    const page = p.chief.page;
    for (const [vp, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await page.setViewportSize(size);
      const r = await page.goto(stack.base + '/policy');
      eq(r.status(), 200, 'GET /policy status');
      const lead = (await page.locator('main .lead').textContent()).replace(/\s+/g, ' ');
      assert(lead.includes('Milwaukee Police Department') && lead.includes('SOP 230, Mutual Aid (General Order 2025-57, November 26, 2025)'),
        `the policy page names the department and its policy (got ${JSON.stringify(lead)})`);
      const groups = page.locator('section.policy-group');
      const n = await groups.count();
      assert(n >= 2, `the rules are grouped (got ${n} groups)`);
      const all = [];
      for (let i = 0; i < n; i++) {
        const g = groups.nth(i);
        const h = (await g.locator('h2').textContent()).trim();
        assert(h.length > 2, `group ${i + 1} has a heading`);
        const rules = await g.locator('ul.rules > li').evaluateAll((lis) => lis.map((li) => ({
          id: li.id, clause: (li.querySelector('.clause') || {}).textContent || '', text: li.textContent.replace(/\s+/g, ' ').trim(),
          department: !!li.querySelector('.clause.department'),
        })));
        assert(rules.length >= 1, `group "${h}" lists rules`);
        for (const rule of rules) {
          assert(rule.clause.trim() !== '', `rule ${rule.id} in "${h}" cites its clause`);
          assert(rule.text.length > rule.clause.length + 10, `rule ${rule.id} in "${h}" says what it does`);
        }
        all.push(...rules);
      }
      const clauses = new Set(all.map((x) => x.clause.trim()));
      for (const c of ['SOP 230.10', 'SOP 230.10 C, D', 'SOP 230.10 C.3.a', 'SOP 230.10 C.3.c', 'SOP 230.10 C.3.d', 'SOP 230.10 D']) {
        assert(clauses.has(c), `the policy page cites ${c} (got ${[...clauses].join(' | ')})`);
      }
      // The department's own rules are labelled so, with their reason, and marked.
      const dept = all.filter((x) => x.clause.trim().startsWith('Department rule: '));
      assert(dept.length >= 10 && dept.every((x) => x.department), `department rules labelled and marked (got ${dept.length})`);
      assert(all.filter((x) => !x.clause.trim().startsWith('Department rule: ')).every((x) => !x.department && x.clause.startsWith('SOP 230.10')),
        'every other rule cites a clause of SOP 230.10');
      assert(dept.some((x) => x.id === 'rule-M-FED-CHIEF'), 'M-FED-CHIEF is a department rule on /policy');
      assert(all.some((x) => x.id === 'rule-M-CAP'), 'rule M-CAP has its anchor');
      await shot(page, `mke-policy-${vp}`);
      const over = await horizontalOverflow(page);
      if (over !== null) overflows.push(`/policy at ${vp} width: ${over}`);
    }
    assert(overflows.length === 0, overflows.join('; '));
  } finally {
    await closeAll(p);
  }
});
