// Journey: the document library. A visitor opens the library, filters the collective agreements
// by sector, opens one, then searches the text of the documents for a word that is only on page 3
// of a Statistics Canada release and lands on that page. The demo administrator adds a document
// whose expiry date is before its start date and is told so, the error summary leading to the
// field. In English and French, at phone and desktop width, with axe on every page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { fill, formWith, submit } from '../lib/page.js';

const WORDS = {
  en: {
    agreements: 'Collective agreements',
    retail: 'Retail trade',
    // The English release's third page is a chart with no words of its own: its fifth is the
    // first later page with a word found nowhere else in it.
    word: 'centennial',
    page: 5,
    pageLabel: 'Page 5',
    add: 'Add a document',
    datesRefused: 'Expiry date: The expiry date must not be before the start date.',
  },
  fr: {
    agreements: 'Conventions collectives',
    retail: 'Retail trade',
    word: 'curiosité',
    page: 3,
    pageLabel: 'Page 3',
    add: 'Ajouter un document',
    datesRefused: 'Date d’expiration : La date d’expiration ne doit pas précéder la date de début.',
  },
};

function adminPassword(ctx) {
  const m = ctx.server.log().match(/^password: (\S+)$/m);
  assert.ok(m, 'agora demo printed no "password: …" line');
  return m[1];
}

/** The demo's PDFs are read by the job workers after start-up: wait until a search finds `word`. */
async function searchUntilFound(page, url, label) {
  for (let i = 0; i < 60; i += 1) {
    await page.goto(url, { waitUntil: 'load' });
    if ((await page.locator('main a[href*="#page-"]').count()) > 0) {
      return checkPage(page, label);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail(`no page hit at ${url}`);
}

export default function library(ctx) {
  describe('library', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: agreements filtered, a word found on its page, a refused document`, async () => {
          const w = WORDS[lang];
          const label = (step) => `library-${lang}-${vp.width}-${step}`;
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}/${lang}/library`, label('1-library'));
            assert.equal(await htmlLang(page), lang);
            const link = page.getByRole('link', { name: w.agreements, exact: true }).first();
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
            await checkPage(page, label('2-agreements'));
            await page.selectOption('#sector', w.retail);
            const filters = formWith(page, 'employer');
            await submit(page, filters);
            await checkPage(page, label('3-retail'));
            const rows = page.locator('table tbody tr');
            assert.ok((await rows.count()) > 0, 'retail agreements are listed');
            for (const text of await page.locator('table tbody td:nth-child(3)').allInnerTexts()) {
              assert.equal(text.trim(), w.retail);
            }
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), rows.first().locator('a').click()]);
            await checkPage(page, label('4-agreement'));

            const q = encodeURIComponent(w.word);
            await searchUntilFound(page, `${ctx.baseUrl}/${lang}/search?q=${q}&kind=library_page`, label('5-search'));
            const anchor = `#page-${w.page}`;
            const hit = page.locator(`main a[href*="${anchor}"]`).first();
            assert.equal(await hit.count(), 1, `the hit leads to page ${w.page}`);
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), hit.click()]);
            await checkPage(page, label(`6-page-${w.page}`));
            assert.ok(page.url().endsWith(anchor), page.url());
            assert.ok((await page.locator(anchor).innerText()).includes(w.pageLabel));
          });

          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}/${lang}/account/login`, label('7-login'));
            await fill(formWith(page, 'password'), { email: 'admin@agora.example', password: adminPassword(ctx) });
            await submit(page, formWith(page, 'password'));
            await visit(page, `${ctx.baseUrl}/${lang}/library/new`, label('8-new'));
            const form = formWith(page, 'title_en');
            await page.selectOption('#kind', 'collective_agreement');
            await fill(form, {
              title_en: 'Agreement between the Ministry and its staff',
              employer: 'Ministry',
              union_name: 'Staff union',
              starts_on: '2025-04-01',
              expires_on: '2024-03-31',
            });
            const response = await submit(page, form);
            assert.equal(response.status(), 422);
            await checkPage(page, label('9-refused'));
            const summary = page.locator('.agora-error-summary');
            assert.ok((await summary.innerText()).includes(w.datesRefused), await summary.innerText());
            assert.equal(await summary.locator('a[href="#expires_on"]').count(), 1);
            assert.equal(await page.locator('#expires_on[aria-invalid="true"]').count(), 1);
          });
        });
      }
    }
  });
}
