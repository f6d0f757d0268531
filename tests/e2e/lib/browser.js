// Chromium (Debian's, driven by playwright-core), the two viewport widths, axe-core checks and
// screenshots of every page a journey visits.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** Phone and desktop. Every journey runs at both. */
export const VIEWPORTS = [
  { name: 'phone', width: 375, height: 800 },
  { name: 'desktop', width: 1280, height: 900 },
];

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** A fresh browser context (no cookies) at one viewport, with the given browser locale. */
export async function newContext(browser, viewport, { locale = 'en-CA' } = {}) {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    locale,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

const slug = (s) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);

/**
 * Saves a full-page screenshot named after `label` under tests/e2e/screenshots/ and runs axe on
 * the page as it stands. WCAG 2.0/2.1 A/AA violations are collected on the page and reported
 * together when the journey ends (see `withPage`), so that one violation does not hide the
 * behaviour checks that follow it.
 */
export async function checkPage(page, label) {
  await page.waitForLoadState('load');
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${slug(label)}.png`);
  await page.screenshot({ path: file, fullPage: true });

  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  const violations = results.violations;
  if (violations.length > 0) {
    const lines = [`axe found ${violations.length} violation(s) on ${page.url()} (${label}):`];
    for (const v of violations) {
      lines.push(`  - ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
      for (const node of v.nodes) {
        const why = node.failureSummary ? ` :: ${node.failureSummary.replace(/\s+/g, ' ')}` : '';
        lines.push(`      ${node.target.join(' ')}${why}`);
      }
    }
    lines.push(`  screenshot: ${file}`);
    axeReports(page).push(lines.join('\n'));
  }
}

const AXE_REPORTS = new WeakMap();
function axeReports(page) {
  if (!AXE_REPORTS.has(page)) AXE_REPORTS.set(page, []);
  return AXE_REPORTS.get(page);
}

/**
 * Opens `url` and checks the answer's status (200 unless told) before checking the page.
 * Returns the response.
 */
export async function visit(page, url, label, { status = 200 } = {}) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), status, `${url} answered ${response.status()}, expected ${status}`);
  await checkPage(page, label);
  return response;
}

/** The primary language subtag of `<html lang>` ("fr" for "fr-CA"). */
export async function htmlLang(page) {
  const lang = await page.evaluate(() => document.documentElement.getAttribute('lang'));
  return lang ? lang.toLowerCase().split('-')[0] : lang;
}

/**
 * Runs `fn(page, context)` in a fresh context and closes it afterwards. Fails if `fn` fails or if
 * axe reported violations on any page it checked; the message carries both.
 */
export async function withPage(browser, viewport, opts, fn) {
  const context = await newContext(browser, viewport, opts);
  const page = await context.newPage();
  let failure = null;
  let result;
  try {
    result = await fn(page, context);
  } catch (err) {
    failure = err;
  } finally {
    await context.close();
  }
  const reports = axeReports(page);
  if (failure && reports.length) {
    failure.message += `\n\nbesides, ${reports.join('\n')}`;
  }
  if (failure) throw failure;
  if (reports.length) assert.fail(reports.join('\n'));
  return result;
}
