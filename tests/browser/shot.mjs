// Screenshot one page as one user: node tests/browser/shot.mjs URL LOGIN PASSWORD PATH OUT.png [width]
import { chromium } from 'playwright-core';
const [base, login, password, path, out, width] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: Number(width || 1200), height: 900 } });
await page.goto(base + '/login');
await page.fill('input[name=login]', login);
await page.fill('input[name=password]', password);
await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
await page.goto(base + path);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
