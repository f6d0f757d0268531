// Journey 6: unknown pages answer 404 with a page in the right language.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';

export default function notFound(ctx) {
  describe('not found', () => {
    for (const vp of VIEWPORTS) {
      it(`at ${vp.width}px: /en/no-such-page and /fr/pas-de-page answer 404 in their language`, async () => {
        const headings = {};
        for (const [lang, path] of [
          ['en', '/en/no-such-page'],
          ['fr', '/fr/pas-de-page'],
        ]) {
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}${path}`, `not-found-${lang}-${vp.width}`, { status: 404 });
            assert.equal(await htmlLang(page), lang, `<html lang> on ${path}`);
            const h1 = page.locator('h1');
            assert.ok((await h1.count()) >= 1, `${path} has no h1`);
            headings[lang] = (await h1.first().innerText()).trim();
            assert.ok(headings[lang], `${path} has an empty h1`);
            assert.ok((await page.title()).trim(), `${path} has no <title>`);
          });
        }
        assert.notEqual(headings.fr, headings.en, 'the French 404 page has the English heading');
      });
    }
  });
}
