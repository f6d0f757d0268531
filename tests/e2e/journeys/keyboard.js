// Journey 7: the header by keyboard alone: skip link first, then every header link in document
// order, each with a visible focus indicator.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { press } from '../lib/page.js';

/** Marks the header's tab stops (in document order) with data-e2e-stop and describes them. */
function markHeaderStops() {
  const header = document.querySelector('[role="banner"], header');
  if (!header) return null;
  const focusable =
    'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]';
  const stops = [...header.querySelectorAll(focusable)].filter((el) => {
    if (el.tabIndex < 0) return false;
    if (el.getAttribute('href') === '#main') return false; // the skip link, checked on its own
    return el.getClientRects().length > 0 && el.checkVisibility({ visibilityProperty: true });
  });
  return stops.map((el, i) => {
    el.dataset.e2eStop = String(i);
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.innerText || el.getAttribute('aria-label') || el.value || '').trim().replace(/\s+/g, ' '),
      href: el.getAttribute('href'),
      hreflang: el.getAttribute('hreflang'),
      inNav: !!el.closest('nav'),
      tabindex: el.getAttribute('tabindex'),
    };
  });
}

/** What has focus now, and whether it shows a focus indicator. */
function focused() {
  const el = document.activeElement;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = !!cs.boxShadow && cs.boxShadow !== 'none';
  return {
    stop: el.dataset.e2eStop ?? null,
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute('href'),
    text: (el.innerText || '').trim().replace(/\s+/g, ' '),
    indicator: outline || shadow,
    style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; box-shadow: ${cs.boxShadow}`,
  };
}

export default function keyboard(ctx) {
  describe('keyboard', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`/${lang}/ at ${vp.width}px: Tab goes skip link → header links in order, focus visible`, async () => {
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}/${lang}/`, `keyboard-${lang}-${vp.width}`);
            const stops = await page.evaluate(markHeaderStops);
            assert.ok(stops, `/${lang}/ has no header`);

            const positive = stops.filter((s) => Number(s.tabindex) > 0);
            assert.deepEqual(positive, [], 'header elements with a positive tabindex break the reading order');

            const kinds = {
              'site name': stops.findIndex((s) => s.tag === 'a' && (s.href === `/${lang}/` || s.href === `/${lang}`)),
              'language toggle': stops.findIndex((s) => s.hreflang && !s.hreflang.startsWith(lang)),
              'sign-in link': stops.findIndex((s) => s.href?.startsWith(`/${lang}/account/login`)),
            };
            if (vp.width >= 1024) kinds['navigation link'] = stops.findIndex((s) => s.inNav);
            for (const [kind, index] of Object.entries(kinds)) {
              assert.ok(index >= 0, `the header has no visible ${kind}; its tab stops: ${JSON.stringify(stops)}`);
            }
            assert.equal(kinds['site name'], 0, `the site name is not the header's first tab stop: ${JSON.stringify(stops)}`);

            await press(page, 'Tab');
            let now = await page.evaluate(focused);
            assert.equal(now.href, '#main', `the first Tab stop is not the skip link: ${JSON.stringify(now)}`);
            assert.ok(now.indicator, `the skip link has no visible focus indicator (${now.style})`);

            for (let i = 0; i < stops.length; i++) {
              await press(page, 'Tab');
              now = await page.evaluate(focused);
              assert.equal(
                now.stop,
                String(i),
                `Tab stop ${i + 2} should be header ${JSON.stringify(stops[i])} but is ${JSON.stringify(now)}`,
              );
              assert.ok(now.indicator, `no visible focus indicator on ${JSON.stringify(stops[i])} (${now.style})`);
            }
          });
        });
      }
    }
  });
}
