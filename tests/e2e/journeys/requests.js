// Journey: data requests and the charter dashboard. A person signs up, asks for a dataset (after
// a refused empty form), and votes for it; a second person votes too; staff (the demo
// administrator) move the request to under review, are refused "released" without a dataset,
// then release it with an Ontario holding; the first person gets the e-mail; a visitor opens
// the dashboard with its chart and table. In English and French, at phone and desktop width,
// with axe on every page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { waitForMailTo } from '../lib/mail.js';
import { fill, formWith, submit, uniqueEmail } from '../lib/page.js';

const RELEASED = '2006-commercial-vehicle-survey-traffic-volumes-at-survey-stations';

const WORDS = {
  en: {
    request: 'Request a dataset',
    required: 'Title: This field is required.',
    title: (tag) => `Ferry crossings by route and month (${tag})`,
    description: 'Number of vehicles and passengers on each provincial ferry route, by month.',
    submitted: 'Your request is submitted.',
    vote: 'Vote for this request',
    oneVote: '1 vote',
    twoVotes: '2 votes',
    noDataset: 'Released dataset: Give the identifier of the dataset that answers this request.',
    released: 'Status: Released',
    chart: 'Data holdings by access level over time',
    measure: /of the \d+ most-voted data requests are released/,
  },
  fr: {
    request: 'Demander des données',
    required: 'Titre : Ce champ est obligatoire.',
    title: (tag) => `Traversiers : passages par trajet et par mois (${tag})`,
    description: 'Nombre de véhicules et de passagers sur chaque trajet de traversier provincial, par mois.',
    submitted: 'Votre demande est envoyée.',
    vote: 'Voter pour cette demande',
    oneVote: '1 vote',
    twoVotes: '2 votes',
    noDataset: 'Jeu de données publié : Indiquez l’identifiant du jeu de données qui répond à cette demande.',
    released: 'Statut : Publiée',
    chart: 'Fonds de données par niveau d’accès dans le temps',
    measure: /des \d+ demandes de données les plus appuyées sont publiées/,
  },
};

/** The demo administrator's password, which `agora demo` prints in the server's output. */
function adminPassword(ctx) {
  const m = ctx.server.log().match(/^password: (\S+)$/m);
  assert.ok(m, 'agora demo printed no "password: …" line');
  return m[1];
}

async function signIn(page, ctx, lang, email, password, label) {
  await visit(page, `${ctx.baseUrl}/${lang}/account/login`, label);
  const form = formWith(page, 'password');
  await fill(form, { email, password });
  const response = await submit(page, form);
  assert.ok(response.status() < 400, `sign-in answered ${response.status()}`);
}

/** Creates an account through the sign-up form and signs in with it. */
async function signUpAndIn(page, ctx, lang, email, label) {
  const password = 'correct horse battery staple 42';
  await visit(page, `${ctx.baseUrl}/${lang}/account/signup`, `${label}-signup`);
  const signup = formWith(page, 'password_confirm');
  await fill(signup, { email, password, password_confirm: password });
  const response = await submit(page, signup);
  assert.ok(response.status() < 400, `sign-up answered ${response.status()}`);
  await signIn(page, ctx, lang, email, password, `${label}-login`);
}

async function voteCount(page) {
  return (await page.locator('.open-data-votecount').innerText()).trim();
}

export default function requests(ctx) {
  describe('requests', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: request a dataset, two votes, staff release it; the dashboard`, async () => {
          const w = WORDS[lang];
          const tag = `${lang}-${vp.width}-${Date.now()}`;
          const label = (step) => `requests-${lang}-${vp.width}-${step}`;
          const first = uniqueEmail(`req-a-${lang}-${vp.width}`);
          const second = uniqueEmail(`req-b-${lang}-${vp.width}`);
          let requestUrl;

          // The first person asks for a dataset and votes for it.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signUpAndIn(page, ctx, lang, first, label('1'));
            await visit(page, `${ctx.baseUrl}/${lang}/data`, label('2-open-data-home'));
            assert.equal(await htmlLang(page), lang);
            assert.ok(await page.locator('form[role="search"] input[name="q"]').count(), 'a search box');
            assert.ok(await page.locator('.open-data-level').count() >= 4, 'counts by access level');
            await page.locator('a', { hasText: w.request }).first().click();
            await page.waitForLoadState('load');
            await checkPage(page, label('3-new-request'));

            // An empty form is refused with the field named.
            let form = formWith(page, 'description');
            let response = await submit(page, form, { skipBrowserValidation: true });
            assert.equal(response.status(), 422);
            const summary = await page.locator('.agora-error-summary').innerText();
            assert.ok(summary.includes(w.required), `the error summary names the title: ${summary}`);
            await checkPage(page, label('4-new-request-refused'));

            form = formWith(page, 'description');
            await fill(form, { title: w.title(tag), description: w.description });
            await form.locator('select[name="organization"]').selectOption('ministry-of-transportation');
            response = await submit(page, form);
            assert.equal(response.status(), 200);
            assert.match(await page.locator('[role="status"]').first().innerText(), new RegExp(w.submitted));
            await checkPage(page, label('5-request'));
            requestUrl = page.url().split('?')[0];

            await submit(page, page.locator('form:has(button#vote)'));
            assert.equal(await voteCount(page), w.oneVote);
            await checkPage(page, label('6-voted'));
          });

          // A second person finds it in the list and votes.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signUpAndIn(page, ctx, lang, second, label('7'));
            await visit(page, `${ctx.baseUrl}/${lang}/data/requests`, label('8-list'));
            await page.locator('.open-data-requests a', { hasText: w.title(tag) }).click();
            await page.waitForLoadState('load');
            assert.equal(page.url().split('?')[0], requestUrl);
            assert.equal((await page.locator('button#vote').innerText()).trim(), w.vote);
            await submit(page, page.locator('form:has(button#vote)'));
            assert.equal(await voteCount(page), w.twoVotes);
            await checkPage(page, label('9-second-vote'));
          });

          // Staff review it, are refused "released" without a dataset, then release it.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, 'admin@agora.example', adminPassword(ctx), label('10-staff-login'));
            await visit(page, requestUrl, label('11-staff-request'));
            let form = formWith(page, 'planned_date');
            await form.locator('select[name="status"]').selectOption('under_review');
            await submit(page, form);
            form = formWith(page, 'planned_date');
            await form.locator('select[name="status"]').selectOption('released');
            let response = await submit(page, form, { skipBrowserValidation: true });
            assert.equal(response.status(), 422);
            const summary = await page.locator('.agora-error-summary').innerText();
            assert.ok(summary.includes(w.noDataset), `the error summary names the dataset: ${summary}`);
            await checkPage(page, label('12-release-refused'));
            form = formWith(page, 'planned_date');
            await form.locator('select[name="status"]').selectOption('released');
            await fill(form, { dataset: RELEASED });
            response = await submit(page, form);
            assert.equal(response.status(), 200);
            assert.equal((await page.locator('#status-heading').innerText()).trim(), w.released);
            assert.ok(await page.locator(`.open-data-answer a[href$="/dataset/${RELEASED}"]`).count(), 'links the dataset');
            await checkPage(page, label('13-released'));
          });

          // The first person, who follows the request, is told.
          const mail = await waitForMailTo(ctx.server.outboxDir, first);
          assert.ok(mail.subject.length > 0);

          // A visitor reads the dashboard: the chart, its table and the requests measure.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${ctx.baseUrl}/${lang}/data/dashboard`, label('14-dashboard'));
            assert.ok(await page.locator('svg.open-data-chart__svg polyline').count() >= 4, 'one line per access level');
            assert.ok((await page.locator('figcaption').innerText()).includes(w.chart));
            assert.ok(await page.locator('table tbody tr').count() > 10, 'the tables');
            assert.match(await page.locator('.open-data-measure').innerText(), w.measure);
            await visit(page, requestUrl, label('15-request-visitor'));
          });
        });
      }
    }
  });
}
