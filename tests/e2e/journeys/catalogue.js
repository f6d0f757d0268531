// Open data: find a dataset by facet in the inventory and open it; read why restricted data is
// restricted. In English and French, at phone and desktop width, axe on every page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';

export default function catalogue(ctx) {
  describe('catalogue', () => {
    for (const vp of VIEWPORTS) {
      for (const lang of ['en', 'fr']) {
        it(`${lang} at ${vp.width}px: search by facet, open a dataset, read a restriction`, async () => {
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}/${lang}/dataset`, `catalogue-search-${lang}-${vp.width}`);
            assert.equal(await htmlLang(page), lang);
            // Open data by default: the access facet shows "open" selected.
            const status = await page.locator('[role="status"]').first().innerText();
            assert.match(status, /831/, 'open holdings by default');

            // Show the whole inventory, then keep only restricted holdings of one ministry.
            await page.locator('a[href*="access_level=all"]').first().click();
            await page.waitForLoadState('load');
            const restricted = page.locator('nav[aria-labelledby="facet-access_level"] a', { hasText: lang === 'en' ? 'Restricted' : 'Restreint' });
            await restricted.first().click();
            await page.waitForLoadState('load');
            assert.match(await page.locator('[role="status"]').first().innerText(), /813/, 'restricted holdings');
            await visit(page, page.url(), `catalogue-restricted-${lang}-${vp.width}`);
            const org = page.locator('nav[aria-labelledby="facet-organization"] a').first();
            await org.click();
            await page.waitForLoadState('load');
            await visit(page, page.url(), `catalogue-facets-${lang}-${vp.width}`);

            const first = page.locator('.agora-results h2 a').first();
            await first.click();
            await page.waitForLoadState('load');
            await visit(page, page.url(), `catalogue-dataset-${lang}-${vp.width}`);
            const access = await page.locator('#access-heading').innerText();
            assert.match(access, lang === 'en' ? /Restricted/ : /Restreint/);
            const box = await page.locator('.agora-access').innerText();
            assert.ok(box.length > 60, 'the access box explains the restriction');
            assert.ok(await page.locator('script[type="application/ld+json"]').count(), 'schema.org JSON-LD');
          });
        });
      }
    }
  });
}
