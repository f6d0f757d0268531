// Journey 4: an invalid sign-up shows an error summary whose links lead to the fields, in the
// page's language, and creates nothing.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { hasMailTo, listOutbox } from '../lib/mail.js';
import { fill, formWith, signedInState, submit, uniqueEmail } from '../lib/page.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Reads the error summary: whether it announces itself, its link texts and targets. */
async function errorSummary(page) {
  const summary = page.locator('.agora-error-summary');
  assert.equal(await summary.count(), 1, `no .agora-error-summary on ${page.url()}`);
  assert.ok(await summary.isVisible(), 'the error summary is not visible');
  return summary.evaluate((el) => ({
    role: el.getAttribute('role'),
    heading: el.querySelector('h1, h2, h3, h4, [role="heading"]')?.textContent.trim() ?? null,
    text: el.innerText.trim(),
    links: [...el.querySelectorAll('a[href]')].map((a) => {
      const href = a.getAttribute('href');
      const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
      const field = target?.matches('input, select, textarea') ? target : target?.querySelector('input, select, textarea');
      return { href, text: a.textContent.trim(), field: field?.getAttribute('name') ?? null };
    }),
  }));
}

async function submitInvalid(page, ctx, lang, vp, tag, values) {
  await visit(page, `${ctx.baseUrl}/${lang}/account/signup`, `invalid-signup-${lang}-${vp.width}-${tag}-form`);
  const form = formWith(page, 'password_confirm');
  await fill(form, values);
  const response = await submit(page, form, { skipBrowserValidation: true });
  assert.ok([200, 400, 422].includes(response.status()), `an invalid sign-up answered ${response.status()}`);
  assert.equal(await htmlLang(page), lang);
  await checkPage(page, `invalid-signup-${lang}-${vp.width}-${tag}-errors`);
  const summary = await errorSummary(page);
  assert.ok(summary.role === 'alert' || summary.heading, 'the error summary has neither role="alert" nor a heading');
  for (const link of summary.links) {
    assert.ok(link.field, `the error link "${link.text}" (${link.href}) does not point at a form field`);
  }
  return summary;
}

export default function invalidSignup(ctx) {
  describe('invalid sign-up', () => {
    for (const vp of VIEWPORTS) {
      it(`at ${vp.width}px: errors link to the fields, are translated, and nothing is created`, async () => {
        const texts = {};
        for (const lang of ['en', 'fr']) {
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            // Empty e-mail and a short password: both fields are named, nothing is sent.
            const before = listOutbox(ctx.server.outboxDir).length;
            const both = await submitInvalid(page, ctx, lang, vp, 'empty', {
              email: '',
              display_name: 'Short Password',
              password: 'abc',
              password_confirm: 'abc',
            });
            const fields = both.links.map((l) => l.field);
            assert.ok(fields.includes('email'), `no error link to the e-mail field (links: ${JSON.stringify(both.links)})`);
            assert.ok(fields.includes('password'), `no error link to the password field (links: ${JSON.stringify(both.links)})`);
            texts[lang] = both.links.map((l) => l.text);

            // Everything empty: each error in the summary must say which field it is about, so no
            // two links may read the same (WCAG 2.4.4 link purpose, 3.3.1 error identification).
            const empty = await submitInvalid(page, ctx, lang, vp, 'all-empty', {
              email: '',
              display_name: '',
              password: '',
              password_confirm: '',
            });
            const emptyTexts = empty.links.map((l) => l.text);
            assert.ok(emptyTexts.length >= 2, `expected errors for at least e-mail and password, got ${JSON.stringify(empty.links)}`);
            assert.equal(
              new Set(emptyTexts).size,
              emptyTexts.length,
              `the error summary's links do not say which field they are about: ${JSON.stringify(empty.links)}`,
            );

            // A valid address with a short password: refused, no account, no e-mail.
            const email = uniqueEmail(`invalid-${lang}-${vp.width}`);
            const short = await submitInvalid(page, ctx, lang, vp, 'short', {
              email,
              display_name: 'Short Password',
              password: 'abc',
              password_confirm: 'abc',
            });
            assert.ok(
              short.links.some((l) => l.field === 'password'),
              `no error link to the password field (links: ${JSON.stringify(short.links)})`,
            );
            await sleep(1_000);
            assert.equal(hasMailTo(ctx.server.outboxDir, email), false, `an invalid sign-up sent an e-mail to ${email}`);
            assert.equal(listOutbox(ctx.server.outboxDir).length, before, 'an invalid sign-up wrote to the outbox');

            await visit(page, `${ctx.baseUrl}/${lang}/account/login`, `invalid-signup-${lang}-${vp.width}-login`);
            const login = formWith(page, 'password');
            await fill(login, { email, password: 'abc' });
            await submit(page, login, { skipBrowserValidation: true });
            await checkPage(page, `invalid-signup-${lang}-${vp.width}-login-refused`);
            const state = await signedInState(page, lang);
            assert.equal(state.logoutForms, 0, `signing in as ${email}, refused at sign-up, succeeded`);
          });
        }
        // The French messages are not the English ones.
        for (const fr of texts.fr) {
          assert.ok(!texts.en.includes(fr), `the French error summary shows the English message "${fr}"`);
        }
      });
    }
  });
}
