// Browser journey (issue 13): an outside agency files a request and follows
// it on its status page to closing, while the department's people work it on
// the request page (banner, one primary action). What the agency sees is
// asserted (its words for the state, what happens next, the units on their
// way, the desk's phone), screenshots at 1280 and 320 px wide at each stage,
// axe-core (WCAG 2.x A/AA) on the agency's pages (0 violations), no
// sideways scrolling at 320 px (WCAG 1.4.10).

import {
  DESKTOP, assert, eq, horizontalOverflow, navigating, shot, signIn, PW,
  axeViolations,
} from './lib.mjs';

const USERS = {
  agency: { login: 'aj-agency', role: 'agency', name: 'Jordan Reyes', attrs: { agency: 'Village of Pewaukee Police Department', agency_type: 'local' } },
  supervisor: { login: 'aj-sup', role: 'supervisor', name: 'Chris Lindqvist' },
  officer: { login: 'aj-officer', role: 'officer', name: 'Morgan Tate' },
};
const NARROW = { width: 320, height: 800 };
const NATURE = 'Water main break flooded Capitol Dr; traffic control needed at four intersections for the evening rush.';


// An explicit choice, whether the form offers it as a list or as buttons.
async function choose(page, name, value) {
  const sel = page.locator(`select[name=${name}]`);
  if (await sel.count()) await sel.selectOption(value);
  else await page.check(`input[name=${name}][value=${value}]`);
}

// The agency's status page at both widths: screenshots, no sideways
// scrolling at 320 px, axe clean; returns the state it shows.
async function statusPage(browser, stack, page, id, stage, problems) {
  await page.goto(`${stack.base}/requests/${id}`);
  await shot(page, `agency-journey-${stage}-1280`);
  for (const v of await axeViolations(page)) problems.push(`${stage} at 1280: axe ${v}`);
  const narrow = await browser.newContext({ viewport: NARROW, bypassCSP: true,
    storageState: await page.context().storageState() });
  try {
    const np = await narrow.newPage();
    await np.goto(`${stack.base}/requests/${id}`);
    await shot(np, `agency-journey-${stage}-320`);
    const over = await horizontalOverflow(np);
    if (over !== null) problems.push(`${stage} at 320: ${over}`);
    for (const v of await axeViolations(np)) problems.push(`${stage} at 320: axe ${v}`);
  } finally {
    await narrow.close();
  }
  return (await page.locator('#status').textContent()).trim();
}

// bypassCSP: axe-core is injected as a script (the portal's CSP allows only its own).
async function person(browser, stack, key) {
  const ctx = await browser.newContext({ viewport: DESKTOP, bypassCSP: true });
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  await signIn(page, stack, USERS[key].login, PW);
  return { ctx, page };
}

async function submit(page, action) {
  const r = await navigating(page, () => page.click(`form[action$="/${action}"] button[type=submit]`));
  eq(r.status(), 200, `the page after "${action}"`);
}

export const agencyTests = [];

agencyTests.push({
  name: 'agency journey: files, follows its request on its status page to closing (1280 and 320 px)',
  users: Object.values(USERS),
  fn: async ({ browser, stack }) => {
    const ag = await person(browser, stack, 'agency');
    const sup = await person(browser, stack, 'supervisor');
    const problems = [];
    try {
      const A = ag.page;
      // 1. The agency files: "New request" from its navigation, its kind, the form.
      await navigating(A, () => A.click('nav.main-nav a[href="/requests/new"]'));
      await navigating(A, () => A.click('a[href="/requests/new?kind=aid_incoming"]'));
      await A.fill('#f-requester_name', 'Lt. Jordan Reyes');
      await A.fill('#f-contact_phone', '262-555-0177');
      await A.selectOption('#f-incident_type', 'weather');
      await A.fill('#f-nature', NATURE);
      await choose(A, 'emergency', 'no');
      await choose(A, 'priority', 'urgent');
      await A.fill('#f-location', 'Capitol Dr and Hwy 164, Pewaukee');
      await A.fill('#f-squads', '1');
      const filed = await navigating(A, () => A.click('form.request-form button[type=submit]'));
      eq(filed.status(), 200, 'the page after filing');
      const id = Number(/\/requests\/(\d+)$/.exec(new URL(A.url()).pathname)[1]);

      // 2. Its status page: received, what happens next, whom to call.
      eq(await statusPage(browser, stack, A, id, 'received', problems), 'Received', 'the state after filing');
      assert((await A.locator('#next-step').textContent()).includes('The department decides whether and whom to send.'),
        'the next step after filing');
      assert((await A.locator('#desk').textContent()).includes('262-555-0100'), 'the desk\'s phone on the status page');
      eq(await A.locator('#desk a[href="tel:2625550100"]').count(), 1, 'the desk\'s phone as a tel: link');
      await A.goto(`${stack.base}/`);
      const row = A.locator(`#my-requests tr:has(a[href="/requests/${id}"])`);
      assert((await row.textContent()).includes('Received'), '"My requests" shows the state in the agency\'s words');
      await shot(A, 'agency-journey-my-requests-1280');

      // 3. The supervisor: the banner says whom it waits for; Dispatch is the one primary action.
      const S = sup.page;
      await S.goto(`${stack.base}/requests/${id}`);
      const banner = (await S.locator('#banner').textContent()).replace(/\s+/g, ' ');
      assert(banner.includes('Waiting for units to be sent by the shift supervisor / OIC or the dispatcher'),
        `the banner says whom it waits for (got ${JSON.stringify(banner)})`);
      eq(await S.locator('form.primary-action').count(), 1, 'primary actions on the supervisor\'s page');
      eq(await S.locator('form.primary-action').getAttribute('action'), `/requests/${id}/dispatch`, 'the primary action');
      await shot(S, 'agency-journey-supervisor-request-1280');
      await S.fill('#dispatch-assignee-1', USERS.officer.login);
      await S.fill('#dispatch-eta', '20');
      await submit(S, 'dispatch');

      // 4. The agency sees help on its way, with the count.
      eq(await statusPage(browser, stack, A, id, 'dispatched', problems), 'Help sent', 'the state after dispatch');
      const units = (await A.locator('section[aria-labelledby=h-units] tbody td').allTextContents()).join(' ');
      assert(/^Squad 1 Dispatched, expected by \d\d:\d\d$/.test(units), `the units on their way, with the arrival estimate (got ${JSON.stringify(units)})`);

      // 5. Back home, the supervisor records it and closes.
      await S.goto(`${stack.base}/requests/${id}`);
      await S.locator('form.checkin select').selectOption('returned');
      await navigating(S, () => S.click('form.checkin button[type=submit]'));
      await submit(S, 'close');

      // 6. The agency's page says it is over; its inbox has the e-mailed notices.
      eq(await statusPage(browser, stack, A, id, 'closed', problems), 'Closed', 'the state after closing');
      const milestones = await A.locator('ol.timeline li strong').allTextContents();
      for (const m of ['Request received', 'Units sent', 'Request closed']) {
        assert(milestones.includes(m), `the timeline has "${m}" (got ${JSON.stringify(milestones)})`);
      }
      await A.goto(`${stack.base}/inbox`);
      const notices = await A.locator(`ul.inbox li:has(a[href="/requests/${id}"])`).count();
      eq(notices, 3, 'the agency\'s notices of the request (received, units sent, closed)');
      await shot(A, 'agency-journey-inbox-1280');
      assert(problems.length === 0, problems.join('\n'));
    } finally {
      await ag.ctx.close().catch(() => {});
      await sup.ctx.close().catch(() => {});
    }
  },
});

agencyTests.push({
  name: 'a request typed while the session ended comes back after signing in (no lost work)',
  users: [USERS.agency],
  fn: async ({ browser, stack }) => {
    const ag = await person(browser, stack, 'agency');
    try {
      const A = ag.page;
      const form = `${stack.base}/requests/new?kind=aid_incoming`;
      await A.goto(form);
      const nature = 'Storm damage on Lake St; two squads for traffic control until the power is back.';
      await A.fill('#f-contact_phone', '262-555-0177');
      await A.fill('#f-nature', nature);
      await A.fill('#f-location', '120 Lake St, Pewaukee');
      await choose(A, 'emergency', 'no');
      await choose(A, 'priority', 'routine');
      await choose(A, 'incident_type', 'weather');
      eq(await A.isHidden('#draft-restored'), true, 'the "typed again" line before anything happened');
      // The session ends while the person types (idle lock, or ended elsewhere).
      await ag.ctx.clearCookies({ name: 'portal_session' });
      await navigating(A, () => A.click('form.request-form button[type=submit]'));
      eq(new URL(A.url()).pathname, '/login', 'sending the form without a session leads to');
      await A.fill('#f-login', USERS.agency.login);
      await A.fill('#f-password', PW);
      await navigating(A, () => A.click('form[action="/login"] button[type=submit]'));
      const back = new URL(A.url());
      eq(back.pathname + back.search, '/requests/new?kind=aid_incoming', 'after signing in, the page');
      eq(await A.isVisible('#draft-restored'), true, 'the line saying what was typed is back');
      eq(await A.inputValue('#f-nature'), nature, 'the nature typed before');
      eq(await A.inputValue('#f-contact_phone'), '262-555-0177', 'the call-back number typed before');
      eq(await A.isChecked('input[name=emergency][value=no]'), true, 'the emergency answer chosen before');
      await shot(A, 'agency-draft-restored');
      const r = await navigating(A, () => A.click('form.request-form button[type=submit]'));
      eq(r.status(), 200, 'the request page after sending the restored form');
      assert(/^\/requests\/\d+$/.test(new URL(A.url()).pathname), `filed: ${A.url()}`);
      // Filed: the draft is gone, the next form starts empty.
      await A.goto(form);
      eq(await A.inputValue('#f-nature'), '', 'the nature on the next new form');
      eq(await A.isHidden('#draft-restored'), true, 'the "typed again" line on the next new form');
    } finally {
      await ag.ctx.close();
    }
  },
});
