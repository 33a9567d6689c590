// Browser tests of accounts fit for criminal-justice information (issue
// 15): enrolling a second factor (CJIS Security Policy 5.6.2.2, RFC 6238)
// through the real pages, the QR code drawn as inline SVG, the recovery
// codes, and signing in with a code afterwards.

import {
  DESKTOP, assert, eq, navigating, shot, signIn, totp, PW,
} from './lib.mjs';

const USER = { login: 'bt-enrol', role: 'dispatcher', name: 'Morgan Ellis' };

export const accountTests = [];
function test(name, fn) {
  accountTests.push({ name, fn, users: [USER] });
}

test('CJIS 5.6.2.2: a department account enrols its second factor by QR code, then signs in with a code', async ({ browser, stack }) => {
  // Required of department accounts, as in production (test stacks make it optional).
  stack.ctl(['setting', 'second_factor_department', '1']);
  const ctx = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await ctx.newPage();
    await page.goto(stack.base + '/login');
    await page.fill('#f-login', USER.login);
    await page.fill('#f-password', PW);
    await navigating(page, () => page.click('form[action="/login"] button[type=submit]'));
    eq(new URL(page.url()).pathname, '/account/totp', 'after the password, the page');
    const qr = page.locator('figure.qr svg');
    assert(await qr.isVisible(), 'the QR code is visible');
    const box = await qr.boundingBox();
    assert(box.width >= 150 && box.width === box.height, `the QR code is square and large enough to scan (${box.width}x${box.height})`);
    eq(await qr.getAttribute('role'), 'img', 'the QR code is an image to assistive technology');
    const secret = (await page.locator('#totp-secret').textContent()).trim();
    assert(/^[A-Z2-7]{32}$/.test(secret), `the secret is shown in base32 (${secret})`);
    await shot(page, 'desktop-totp-enrol');

    const step = Math.floor(Date.now() / 30000);
    await page.fill('#f-code', totp(secret, step));
    await navigating(page, () => page.click('form[action="/account/totp"] button[type=submit]'));
    const codes = await page.locator('ul.recovery-codes li').allTextContents();
    eq(codes.length, 10, 'recovery codes shown');
    assert(codes.every((c) => /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/.test(c.trim())), 'recovery codes have the shape xxxx-xxxx-xxxx');
    await shot(page, 'desktop-totp-recovery-codes');
    await navigating(page, () => page.getByRole('link', { name: 'Continue to the portal' }).click());
    eq(new URL(page.url()).pathname, '/', 'after enrolment, the page');

    // Signing in again asks for the code (the step used at enrolment is spent).
    await ctx.clearCookies();
    stack.totpSecrets.set(USER.login, secret);
    stack.totpSteps.set(USER.login, step);
    await page.goto(stack.base + '/login');
    await page.fill('#f-login', USER.login);
    await page.fill('#f-password', PW);
    await navigating(page, () => page.click('form[action="/login"] button[type=submit]'));
    eq(new URL(page.url()).pathname, '/login/code', 'after the password, the page');
    await shot(page, 'desktop-login-code');
    await ctx.clearCookies();
    await signIn(page, stack, USER.login, PW);
  } finally {
    stack.ctl(['setting', 'second_factor_department', '0']);
    await ctx.close();
  }
});
