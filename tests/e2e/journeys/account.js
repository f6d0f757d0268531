// Journey 3: sign up, verify the address from the outbox, sign in, sign out; in English and French.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { verificationLink, waitForMailTo } from '../lib/mail.js';
import { fill, formWith, signedInState, submit, uniqueEmail } from '../lib/page.js';

const PEOPLE = {
  en: { displayName: 'Ada Lovelace', signOut: 'Sign out', signIn: 'Sign in' },
  fr: { displayName: 'Émilie du Châtelet' },
};

export default function account(ctx) {
  describe('account', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: sign up, verify by e-mail, sign in, sign out`, async () => {
          const person = PEOPLE[lang];
          const email = uniqueEmail(`${lang}-${vp.width}`);
          const password = 'correct horse battery staple 42';
          const label = (step) => `account-${lang}-${vp.width}-${step}`;

          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            // Sign up.
            await visit(page, `${ctx.baseUrl}/${lang}/account/signup`, label('1-signup'));
            assert.equal(await htmlLang(page), lang);
            const signup = formWith(page, 'password_confirm');
            await fill(signup, { email, display_name: person.displayName, password, password_confirm: password });
            let response = await submit(page, signup);
            assert.ok(response.status() < 400, `sign-up answered ${response.status()} at ${page.url()}`);
            assert.equal(await page.locator('.agora-error-summary').count(), 0, 'sign-up with valid fields shows an error summary');
            await checkPage(page, label('2-signed-up'));

            // Verify the address with the link from the e-mail.
            const mail = await waitForMailTo(ctx.server.outboxDir, email);
            const link = verificationLink(mail);
            assert.ok(link.startsWith(`${ctx.baseUrl}/`), `the verification link ${link} does not point at ${ctx.baseUrl}`);
            response = await page.goto(link, { waitUntil: 'load' });
            assert.equal(response.status(), 200, `the verification link answered ${response.status()}`);
            await checkPage(page, label('3-verified'));

            // Sign in.
            await visit(page, `${ctx.baseUrl}/${lang}/account/login`, label('4-login'));
            const login = formWith(page, 'password');
            await fill(login, { email, password });
            response = await submit(page, login);
            assert.ok(response.status() < 400, `sign-in answered ${response.status()} at ${page.url()}`);
            await checkPage(page, label('5-signed-in'));

            let state = await signedInState(page, lang);
            assert.equal(state.logoutForms, 1, `after signing in, the header has no form posting to /${lang}/account/logout`);
            assert.equal(state.logoutMethod.toLowerCase(), 'post', 'the sign-out form does not use POST');
            assert.ok(await state.logoutButton.isVisible(), 'the sign-out button is not visible');
            if (person.signOut) {
              assert.equal((await state.logoutButton.innerText()).trim(), person.signOut);
            }
            assert.equal(state.signInLinks, 0, 'the header still shows the sign-in link after signing in');

            // Sign out.
            const [out] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), state.logoutButton.click()]);
            assert.ok(out.status() < 400, `sign-out answered ${out.status()} at ${page.url()}`);
            await checkPage(page, label('6-signed-out'));
            state = await signedInState(page, lang);
            assert.equal(state.logoutForms, 0, 'the header still shows the sign-out form after signing out');
            assert.ok(state.signInLinks >= 1, `after signing out, the header has no link to /${lang}/account/login`);
            if (person.signIn) {
              assert.equal((await state.signIn.innerText()).trim(), person.signIn);
            }
          });
        });
      }
    }
  });
}
