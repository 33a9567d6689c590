// Two filing jobs done as a person would, counting what they cost: clicks
// (page.click, check, and 2 for a <select>: open it, pick), fields typed
// into, and keystrokes (the characters typed and each key pressed). The
// person does only what the page needs: a field that already holds the
// right value is left alone, and a folded "More detail" is opened (one
// click) only when a field inside it must be typed. Written against the
// pages, not against one version of them, so that the same job is counted
// on the code before and after a change (docs/usability.md).

import { navigating } from './lib.mjs';

export class Counter {
  constructor(page) {
    this.page = page;
    this.clicks = 0;
    this.fields = 0;
    this.keystrokes = 0;
  }

  async click(selector) {
    this.clicks++;
    await this.page.click(selector);
  }

  // The control of field `name` ('#f-name', or the radio group's inputs).
  async openIfFolded(selector) {
    const folded = await this.page.locator(selector).first().evaluate((el) => {
      const d = el.closest('details');
      return !!(d && !d.open);
    });
    if (folded) await this.click('details.more > summary');
  }

  async type(name, text) {
    const sel = '#f-' + name;
    if (await this.page.inputValue(sel) === text) return;
    await this.openIfFolded(sel);
    this.fields++;
    this.clicks++;                     // into the field
    await this.page.click(sel);
    await this.page.fill(sel, '');
    this.keystrokes += text.length;
    await this.page.keyboard.type(text);
  }

  // A choice: a <select> (2 clicks) or radio buttons (1), unless it
  // already holds the value.
  async choose(name, value) {
    const select = this.page.locator(`select#f-${name}`);
    if (await select.count()) {
      if (await select.inputValue() === value) return;
      await this.openIfFolded(`select#f-${name}`);
      this.clicks += 2;
      await select.selectOption(value);
      return;
    }
    const radio = `input[type=radio][name=${name}][value=${value}]`;
    if (await this.page.isChecked(radio)) return;
    await this.openIfFolded(radio);
    this.clicks++;
    await this.page.check(radio);
  }

  async tick(name, value) {
    const box = `input[type=checkbox][name=${name}][value=${value}]`;
    if (await this.page.isChecked(box)) return;
    await this.openIfFolded(box);
    this.clicks++;
    await this.page.check(box);
  }

  async submit() {
    this.clicks++;
    return navigating(this.page, () => this.page.click('form.request-form button[type=submit]'));
  }

  counts() {
    return { clicks: this.clicks, fields: this.fields, keystrokes: this.keystrokes };
  }
}

// From the home page: the link of the kind (by its href), then the form.
async function openForm(n, stack, kind) {
  await n.page.goto(stack.base + '/');
  n.clicks++;
  await navigating(n.page, () => n.page.click(`main a[href="/requests/new?kind=${kind}"]`));
}

export const CASE_NUMBER = 'C-2026-0113';
export const FED_NATURE = 'Interstate narcotics ring; DEA lab analysis of seized pills needed.';

// A detective asks the DEA for help with a narcotics case (98-023 §III.B.2).
export async function detectiveFederalJob(page, stack) {
  const n = new Counter(page);
  await openForm(n, stack, 'federal_investigative');
  const formHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  await n.choose('federal_agency', 'dea');
  await n.type('case_number', CASE_NUMBER);
  await n.choose('investigation_category', 'narcotics');
  await n.type('nature', FED_NATURE);
  await n.choose('priority', 'routine');
  const resp = await n.submit();
  return { resp, formHeight, ...n.counts() };
}

export const AGENCY_NATURE = 'Crowd fights after the fair concert on Main St; need crowd control.';

// An outside agency asks for help in an emergency: two squads and a canine.
export async function agencyHelpJob(page, stack) {
  const n = new Counter(page);
  await openForm(n, stack, 'aid_incoming');
  const formHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  await n.type('contact_phone', '262-555-0142');
  await n.choose('emergency', 'yes');
  await n.choose('priority', 'urgent');
  await n.choose('incident_type', 'civil_disorder');
  await n.type('nature', AGENCY_NATURE);
  await n.type('location', '500 Main St, Delafield');
  await n.type('squads', '2');
  await n.tick('special_units', 'k9');
  const resp = await n.submit();
  return { resp, formHeight, ...n.counts() };
}
