/**
 * The report in a real browser: Debian's Chromium, headless, opened from a file:// URL with the network off.
 * One browser for the whole file; screenshots land in reports/ for a person to look at.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { publishNights } from '../../harness/report/nights.js';
import type { ReportInput } from '../../harness/report/types.js';
import { writeReport } from '../../harness/report/write.js';
import { acknowledgedInput, EVIL, syntheticInput } from './synthetic.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = new URL('../../reports/', import.meta.url);

interface Watched {
  page: Page;
  requests: string[];
  problems: string[];
  dialogs: string[];
}

describe('report: index.html in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let dir: string;
  let url: string;

  let rigDir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-report-'));
    const files = await writeReport(dir, syntheticInput());
    url = pathToFileURL(files.html).href;
    // Three nights of one rig, the middle one with its only problem acknowledged.
    rigDir = join(dir, 'lab-3');
    const on = (night: string, input: ReportInput): ReportInput => ({ ...input, run: { ...input.run, night } });
    for (const [night, input] of [['2026-11-19', syntheticInput(60)], ['2026-11-20', acknowledgedInput(60)], ['2026-11-21', syntheticInput(60)]] as const) {
      await writeReport(join(rigDir, night), on(night, input));
      await publishNights(rigDir, 'lab-3', night);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(viewport: { width: number; height: number }, at = url): Promise<Watched> {
    const context = await browser.newContext({ viewport, offline: true });
    const page = await context.newPage();
    const w: Watched = { page, requests: [], problems: [], dialogs: [] };
    page.on('request', (r) => w.requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') w.problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => w.problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      w.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(at, { waitUntil: 'load' });
    return w;
  }

  it('answers at a glance, marks the deviant byte, and touches no network', async () => {
    const w = await open({ width: 1280, height: 900 });
    const { page } = w;
    const verdict = page.locator('#verdict h1');
    expect(await verdict.isVisible()).to.equal(true);
    expect(await verdict.textContent()).to.match(/^1 component flagged — 63 of 1200 trials failed/);

    const flagged = page.locator('#check-first ol.checks > li.v-bad').first();
    expect(await flagged.isVisible()).to.equal(true);
    const flaggedText = (await flagged.textContent()) ?? '';
    expect(flaggedText).to.match(/bad\s*cable c2/).and.include('Replace cable c2').and.include('swap cable c2 with c1 tomorrow');

    const deviant = page.locator('table.transcript mark.deviant:not(.extra)').first();
    expect(await deviant.isVisible()).to.equal(true);
    expect(await deviant.textContent()).to.equal('F9');
    expect(await deviant.evaluate((el) => getComputedStyle(el).backgroundColor)).to.equal('rgb(180, 35, 24)');
    expect(await deviant.evaluate((el) => el.nextElementSibling?.textContent)).to.equal('79');

    // The script-like DUT name is text on the page, and nothing ran.
    const evilLink = page.locator('#matrix a', { hasText: EVIL });
    expect(await evilLink.count()).to.equal(1);
    expect(await evilLink.isVisible()).to.equal(true);
    expect(await evilLink.textContent()).to.equal(EVIL);
    expect(await page.evaluate(() => document.scripts.length)).to.equal(0);

    // A collapsed DUT opens natively (no script needed).
    const closedId = await page.locator('details.dut:not([open])').first().getAttribute('id');
    const closed = page.locator(`details#${closedId}`);
    expect(await closed.locator('.body').isVisible()).to.equal(false);
    await closed.locator('summary').click();
    expect(await closed.locator('.body figure').first().isVisible()).to.equal(true);

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: new URL('screenshot-report.png', SHOTS).pathname, fullPage: true });

    expect(w.dialogs).to.deep.equal([]);
    expect(w.problems).to.deep.equal([]);
    expect(w.requests).to.deep.equal([url]);
    await page.context().close();
  });

  it('fits a phone and prints every collapsed section', async () => {
    const w = await open({ width: 390, height: 844 });
    const { page } = w;
    expect(await page.locator('#verdict h1').isVisible()).to.equal(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the page itself does not scroll sideways').to.be.at.most(1);
    await page.screenshot({ path: new URL('screenshot-report-phone.png', SHOTS).pathname });

    const closedBody = page.locator('details.dut:not([open]) > .body').first();
    expect(await closedBody.isVisible()).to.equal(false);
    await page.emulateMedia({ media: 'print' });
    expect(await closedBody.isVisible(), 'print shows collapsed sections').to.equal(true);
    expect(w.problems).to.deep.equal([]);
    expect(w.requests).to.deep.equal([url]);
    await page.context().close();
  });

  it('lists the nights of a rig, newest first, each a link to its night', async () => {
    const index = pathToFileURL(join(rigDir, 'index.html')).href;
    const w = await open({ width: 1280, height: 900 }, index);
    const { page } = w;
    expect(await page.locator('#verdict h1').textContent()).to.equal('lab-3');
    const rows = page.locator('table.nights tbody tr');
    expect(await rows.count()).to.equal(3);
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim());
    expect((await cells(0))[0]).to.equal('2026-11-21');
    expect((await cells(1))[1]).to.match(/^Known problems only/);
    expect((await cells(1))[4]).to.match(/cable c2 \(bad, acknowledged\)/);
    expect((await cells(2))[3]).to.match(/bad\s*cable c2/);
    // Readable without colour: the verdict is a word, not only a tint.
    expect(await rows.nth(0).locator('.level').isVisible()).to.equal(true);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: new URL('screenshot-nights.png', SHOTS).pathname, fullPage: true });
    await rows.nth(1).locator('a').first().click();
    await page.waitForURL(/2026-11-20\/index\.html$/);
    expect(await page.locator('#verdict .label').textContent()).to.equal('Known problems only');
    expect(w.problems).to.deep.equal([]);
    expect(w.requests.every((r) => r.startsWith(pathToFileURL(rigDir).href))).to.equal(true);
    await page.context().close();
  });

  it('shows an acknowledged problem folded, with who and why, and links to the nights around it', async () => {
    const night = pathToFileURL(join(rigDir, '2026-11-20', 'index.html')).href;
    const w = await open({ width: 1280, height: 900 }, night);
    const { page } = w;
    expect(await page.locator('#verdict h1').textContent()).to.match(/^Known problems only — \d+ of 360 trials failed, all on 1 flag set aside \(acknowledged\)/);
    expect(await page.locator('#check-first ol.checks').count(), 'nothing to check first').to.equal(0);
    const folded = page.locator('details#set-aside');
    expect(await folded.locator('summary').textContent()).to.equal('1 known problem set aside — not counted tonight');
    const why = folded.locator('.why');
    expect(await why.isVisible(), 'folded until opened').to.equal(false);
    await folded.locator('summary').click();
    expect(await why.isVisible()).to.equal(true);
    expect(await why.textContent()).to.equal('acknowledged (cable c2) by ben on 2026-11-19: replacement cable on order, swap on Monday');
    // The chip of the acknowledged cable says "known" in words.
    const chip = page.locator('#matrix .chip.f-aside').first();
    expect(await chip.evaluate((el) => getComputedStyle(el, '::after').content)).to.equal('" (known)"');
    // Its trend: values written in the cells, the night the change began marked in words.
    const trend = page.locator('table.trends tbody tr').first();
    expect(await trend.locator('.tv').last().textContent()).to.equal('20%');
    expect(await trend.locator('.began-label').isVisible()).to.equal(true);
    await page.screenshot({ path: new URL('screenshot-acknowledged.png', SHOTS).pathname, fullPage: true });
    await page.locator('nav.nights a[rel="next"]').click();
    await page.waitForURL(/2026-11-21\/index\.html$/);
    await page.locator('nav.nights a[rel="prev"]').click();
    await page.waitForURL(/2026-11-20\/index\.html$/);
    expect(w.problems).to.deep.equal([]);
    expect(w.requests.every((r) => r.startsWith(pathToFileURL(rigDir).href))).to.equal(true);
    await page.context().close();
  });
});
