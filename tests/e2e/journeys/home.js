// Journey 1: the home page in English and French: language, heading, skip link.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { press } from '../lib/page.js';

export default function home(ctx) {
  describe('home', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`/${lang}/ at ${vp.width}px: lang, h1 and a skip link to #main`, async () => {
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}/${lang}/`, `home-${lang}-${vp.width}`);

            assert.equal(await htmlLang(page), lang, `<html lang> on /${lang}/`);
            const h1 = page.locator('h1');
            assert.ok((await h1.count()) >= 1, `/${lang}/ has no h1`);
            assert.ok((await h1.first().innerText()).trim().length > 0, `/${lang}/ has an empty h1`);
            assert.equal(await page.locator('#main').count(), 1, `/${lang}/ has no element with id="main"`);

            // The first Tab from the top of the page reaches the skip link, which is visible then.
            await press(page, 'Tab');
            const skip = await page.evaluate(() => {
              const el = document.activeElement;
              const r = el.getBoundingClientRect();
              return {
                tag: el.tagName.toLowerCase(),
                href: el.getAttribute('href'),
                text: el.textContent.trim(),
                visible: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight,
              };
            });
            assert.deepEqual(
              { tag: skip.tag, href: skip.href },
              { tag: 'a', href: '#main' },
              `the first Tab stop is not a skip link to #main (got <${skip.tag} href="${skip.href}"> "${skip.text}")`,
            );
            assert.ok(skip.text.length > 0, 'the skip link has no text');
            assert.ok(skip.visible, 'the skip link is not visible when it has focus');

            // Following it moves focus to #main: either #main itself takes focus, or the next Tab
            // lands inside it (the focus navigation starting point moved there).
            await press(page, 'Enter');
            await page.waitForFunction(() => location.hash === '#main');
            const onMain = await page.evaluate(() => document.activeElement?.id === 'main');
            if (!onMain) {
              await press(page, 'Tab');
              const inside = await page.evaluate(() => {
                const main = document.getElementById('main');
                const el = document.activeElement;
                return main.contains(el) || !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
              });
              assert.ok(inside, 'after following the skip link, focus is neither on #main nor does Tab continue inside it');
            }
          });
        });
      }
    }
  });
}
