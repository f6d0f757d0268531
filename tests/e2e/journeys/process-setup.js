// Journey: staff set up a co-creation process from the pages. The demo administrator copies the
// 2016 action plan's setup onto new dates, creates the copy, moves its last phase (the process
// page shows the new dates to everyone), is refused dates that run backwards, and is refused a
// change of voting rule on a process people have already voted in — each refusal named, in the
// page's language, nothing saved. In English and French, at phone and desktop width, with axe on
// every page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { fill, formWith, submit } from '../lib/page.js';

const PAST = 'ogp-action-plan-2016';

const WORDS = {
  en: {
    newLink: 'Set up a new process',
    copyButton: 'Copy the setup',
    created: 'The process is created.',
    editLink: "Edit this process's setup",
    saved: 'The setup is saved.',
    movedDay: 'August 17, 2040',
    backwards: 'Commitments – Closes on: The closing date must not be before the opening date.',
    ruleRefused: 'Voting rule: The voting rule cannot change:',
  },
  fr: {
    newLink: 'Paramétrer un nouveau processus',
    copyButton: 'Copier le paramétrage',
    created: 'Le processus est créé.',
    editLink: 'Modifier le paramétrage de ce processus',
    saved: 'Le paramétrage est enregistré.',
    movedDay: '17 août 2040',
    backwards: 'Engagements – Fermeture le : La date de fermeture ne peut pas précéder la date d’ouverture.',
    ruleRefused: 'Règle de vote : La règle de vote ne peut plus changer :',
  },
};

function adminPassword(ctx) {
  const m = ctx.server.log().match(/^password: (\S+)$/m);
  assert.ok(m, 'agora demo printed no "password: …" line');
  return m[1];
}

async function follow(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.first().click()]);
  return response;
}

async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ');
}

export default function processSetup(ctx) {
  describe('process setup', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: copy a process, move a phase, be refused breaking changes`, async () => {
          const w = WORDS[lang];
          const slug = `copy-${lang}${vp.width}-${Date.now().toString(36)}`;
          const label = (step) => `process-setup-${lang}-${vp.width}-${step}`;
          const base = `${ctx.baseUrl}/${lang}`;

          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${base}/account/login`, label('01-login'));
            const login = formWith(page, 'password');
            await fill(login, { email: 'admin@agora.example', password: adminPassword(ctx) });
            await submit(page, login);

            // From the list of processes to the creation page, then a copy of the 2016 plan.
            await visit(page, `${base}/processes`, label('02-processes'));
            await follow(page, page.getByRole('link', { name: w.newLink }));
            await checkPage(page, label('03-new'));
            assert.equal(await htmlLang(page), lang);
            const copy = formWith(page, 'from');
            await page.selectOption('#from', PAST);
            await fill(copy, { opens_on: '2040-01-06' });
            await submit(page, copy);
            await checkPage(page, label('04-copied'));
            assert.equal(await page.inputValue('#ideas_opens_on'), '2040-01-06');
            assert.equal(await page.isChecked('#voting_include'), true);
            assert.notEqual(await page.inputValue('#theme0_slug'), '');

            const form = formWith(page, 'slug');
            await fill(form, { slug });
            let response = await submit(page, form);
            assert.ok(response.status() < 400, `creating answered ${response.status()}`);
            await checkPage(page, label('05-created'));
            assert.ok(new URL(page.url()).pathname.endsWith(`/processes/${slug}`));
            assert.ok((await text(page, '.agora-alert--success')).includes(w.created));

            // Move the last phase; the process page shows its new dates.
            await follow(page, page.getByRole('link', { name: w.editLink }));
            await checkPage(page, label('06-edit'));
            let edit = formWith(page, 'commitments_opens_on');
            await fill(edit, { commitments_opens_on: '2040-08-17', commitments_closes_on: '2040-09-18' });
            response = await submit(page, edit);
            assert.ok(response.status() < 400, `saving answered ${response.status()}`);
            await checkPage(page, label('07-moved'));
            assert.ok((await text(page, '.agora-alert--success')).includes(w.saved));
            assert.ok((await text(page, 'main')).includes(w.movedDay), 'the moved phase shows its new date');

            // Dates that run backwards: refused by name, on the field, nothing saved.
            await follow(page, page.getByRole('link', { name: w.editLink }));
            edit = formWith(page, 'commitments_opens_on');
            await fill(edit, { commitments_closes_on: '2040-08-01' });
            response = await submit(page, edit, { skipBrowserValidation: true });
            assert.equal(response.status(), 422);
            await checkPage(page, label('08-backwards'));
            const summary = await text(page, '.agora-error-summary');
            assert.ok(summary.includes(w.backwards), summary);
            assert.equal(await page.locator('.agora-error-summary a[href="#commitments_closes_on"]').count(), 1);

            // People voted in the 2016 plan: its voting rule cannot change.
            await visit(page, `${base}/processes/${PAST}/edit`, label('09-edit-past'));
            edit = formWith(page, 'vote_rule');
            await page.selectOption('#vote_rule', 'approval');
            response = await submit(page, edit);
            assert.equal(response.status(), 422);
            await checkPage(page, label('10-rule-refused'));
            const refused = await text(page, '.agora-error-summary');
            assert.ok(refused.includes(w.ruleRefused), refused);
            await visit(page, `${base}/processes/${PAST}`, label('11-past-unchanged'));
          });
        });
      }
    }
  });
}
