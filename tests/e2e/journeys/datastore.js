// Tabular data: from the demo's fish-stocking dataset to its data page; filter by a column, sort,
// page, a refused filter with its message, and the downloads of the rows shown. In English and
// French, at phone and desktop width, axe on every page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';

export default function datastore(ctx) {
  describe('datastore', () => {
    for (const vp of VIEWPORTS) {
      for (const lang of ['en', 'fr']) {
        it(`${lang} at ${vp.width}px: preview, filter, sort and page the fish-stocking table`, async () => {
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}/${lang}/dataset/fish-stocking`, `datastore-dataset-${lang}-${vp.width}`);
            await page.locator('main a[href*="/resource/"][href$="/data"]').first().click();
            await page.waitForLoadState('load');
            await visit(page, page.url(), `datastore-data-${lang}-${vp.width}`);
            assert.equal(await htmlLang(page), lang);
            assert.match(await page.locator('h2#rows-heading').innerText(), /13[\s\u202f\u00a0,]?956/);
            assert.equal(await page.locator('table.agora-data-table tbody tr').count(), 25);

            // One column's filter: a wrong value is refused with the column and the value named.
            await page.locator('details summary').click();
            await page.locator('input[name="f.Stocking_Year"]').fill('soon');
            await page.locator('form.agora-data-filters button[type="submit"]').click();
            await page.waitForLoadState('load');
            await visit(page, page.url(), `datastore-refused-filter-${lang}-${vp.width}`);
            const summary = await page.locator('.agora-error-summary').innerText();
            assert.match(summary, /Stocking_Year/);
            assert.match(summary, /soon/);

            await page.locator('input[name="f.Stocking_Year"]').fill('2021');
            await page.locator('form.agora-data-filters button[type="submit"]').click();
            await page.waitForLoadState('load');
            const rows = await page.locator('h2#rows-heading').innerText();
            assert.match(rows, /1[\s\u202f\u00a0,]?332/, rows);

            // Sort by a column, twice for descending; then the next page.
            const sortLink = page.locator('th a', { hasText: 'Number_of_Fish_Stocked' });
            await sortLink.click();
            await page.waitForLoadState('load');
            await page.locator('th a', { hasText: 'Number_of_Fish_Stocked' }).click();
            await page.waitForLoadState('load');
            assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
            await page.locator('a[rel="next"]').first().click();
            await page.waitForLoadState('load');
            await visit(page, page.url(), `datastore-sorted-${lang}-${vp.width}`);
            assert.match(page.url(), /page=2/);
            const years = await page.locator('table.agora-data-table tbody tr td:nth-child(5)').allInnerTexts();
            assert.ok(years.length === 25 && years.every((y) => y === '2021'), years.join(','));

            // The downloads carry the filter.
            const csv = await page.locator('a[href*="/datastore/dump/"][href*="format=csv"]').getAttribute('href');
            assert.match(decodeURIComponent(csv), /"Stocking_Year":"2021"/);
            const res = await page.request.get(new URL(csv, ctx.baseUrl).toString());
            assert.equal(res.status(), 200);
            const lines = (await res.text()).trim().split('\n');
            assert.equal(lines.length, 1 + 1332);

            // The column profiles, and a chart of fish stocked by species with its table.
            await page.locator('a[href$="/profile"]').first().click();
            await page.waitForLoadState('load');
            await visit(page, page.url(), `datastore-profile-${lang}-${vp.width}`);
            assert.match(await page.locator('table').innerText(), /Brook Trout/);
            await page.locator('a[href$="/chart"]').first().click();
            await page.waitForLoadState('load');
            await page.selectOption('#x', 'Species');
            await page.selectOption('#y', 'Number_of_Fish_Stocked');
            await page.selectOption('#agg', 'sum');
            await page.locator('form.agora-chart-form button[type="submit"]').click();
            await page.waitForLoadState('load');
            await visit(page, page.url(), `datastore-chart-${lang}-${vp.width}`);
            assert.equal(await page.locator('svg rect').count(), 10);
            assert.match(await page.locator('table').innerText(), /Brook Trout\s+9319686/);

            // The data dictionary, as a visitor reads it.
            await visit(page, page.url().replace(/\/chart\?.*$/, '/dictionary'), `datastore-dictionary-${lang}-${vp.width}`);
            assert.match(await page.locator('table').innerText(), /Stocking_Year/);
          });
        });
      }
    }
  });
}
