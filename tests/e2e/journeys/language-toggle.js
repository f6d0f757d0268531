// Journey 5: the header's language toggle keeps the page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { pathOf, siteHeader } from '../lib/page.js';

async function toggleTo(page, lang) {
  const toggle = siteHeader(page).locator(`a[hreflang="${lang}"], a[hreflang^="${lang}-"]`);
  assert.equal(await toggle.count(), 1, `the header has ${await toggle.count()} links with hreflang="${lang}", expected one`);
  const tagged = await toggle.getAttribute('lang');
  assert.ok(
    tagged && tagged.toLowerCase().split('-')[0] === lang,
    `the language toggle's text is not marked lang="${lang}" (got ${tagged === null ? 'no lang' : `lang="${tagged}"`}), so screen readers read it in the wrong language (WCAG 3.1.2)`,
  );
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), toggle.click()]);
  assert.equal(response.status(), 200);
}

export default function languageToggle(ctx) {
  describe('language toggle', () => {
    for (const vp of VIEWPORTS) {
      it(`at ${vp.width}px: /en/account/login ⇄ /fr/account/login`, async () => {
        await withPage(ctx.browser, vp, { locale: 'en-CA' }, async (page) => {
          await visit(page, `${ctx.baseUrl}/en/account/login`, `toggle-${vp.width}-1-en`);

          await toggleTo(page, 'fr');
          assert.equal(pathOf(page), '/fr/account/login');
          assert.equal(await htmlLang(page), 'fr');
          await checkPage(page, `toggle-${vp.width}-2-fr`);

          await toggleTo(page, 'en');
          assert.equal(pathOf(page), '/en/account/login');
          assert.equal(await htmlLang(page), 'en');
          await checkPage(page, `toggle-${vp.width}-3-en`);
        });
      });
    }
  });
}
