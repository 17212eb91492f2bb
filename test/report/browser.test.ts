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
import { writeReport } from '../../harness/report/write.js';
import { EVIL, syntheticInput } from './synthetic.js';

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

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-report-'));
    const files = await writeReport(dir, syntheticInput());
    url = pathToFileURL(files.html).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(viewport: { width: number; height: number }): Promise<Watched> {
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
    await page.goto(url, { waitUntil: 'load' });
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
});
