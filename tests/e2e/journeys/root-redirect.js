// Journey 2: `/` sends French browsers to /fr/ and everyone else to /en/.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, VIEWPORTS, withPage } from '../lib/browser.js';
import { pathOf } from '../lib/page.js';

const CASES = [
  { locale: 'fr-CA', expected: 'fr' },
  { locale: 'fr-FR', expected: 'fr' },
  { locale: 'en-CA', expected: 'en' },
  { locale: 'de-DE', expected: 'en' },
];

export default function rootRedirect(ctx) {
  describe('root redirect', () => {
    for (const vp of VIEWPORTS) {
      for (const { locale, expected } of CASES) {
        it(`/ with a ${locale} browser at ${vp.width}px goes to /${expected}/`, async () => {
          await withPage(ctx.browser, vp, { locale }, async (page) => {
            const response = await page.goto(`${ctx.baseUrl}/`, { waitUntil: 'load' });
            assert.equal(response.status(), 200);
            assert.equal(pathOf(page), `/${expected}/`);
            assert.equal(await htmlLang(page), expected);
            await checkPage(page, `root-redirect-${locale}-${vp.width}`);
          });
        });
      }
    }

    it('answers a redirect that varies on Accept-Language', async () => {
      for (const [acceptLanguage, expected] of [
        ['fr-CA,fr;q=0.9,en;q=0.8', '/fr/'],
        ['en-CA,en;q=0.9,fr;q=0.8', '/en/'],
        ['es', '/en/'],
        [null, '/en/'],
      ]) {
        const headers = acceptLanguage ? { 'accept-language': acceptLanguage } : {};
        const res = await fetch(`${ctx.baseUrl}/`, { redirect: 'manual', headers });
        const what = `GET / with Accept-Language: ${acceptLanguage ?? '(none)'}`;
        assert.ok([301, 302, 303, 307, 308].includes(res.status), `${what} answered ${res.status}, not a redirect`);
        const location = new URL(res.headers.get('location'), ctx.baseUrl);
        assert.equal(location.pathname, expected, `${what} redirected to ${location}`);
        const vary = (res.headers.get('vary') ?? '').toLowerCase();
        assert.ok(vary.includes('accept-language') || vary.includes('*'), `${what}: the redirect has no "Vary: Accept-Language" (got "${vary}")`);
      }
    });
  });
}
