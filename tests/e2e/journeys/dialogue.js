// Journey: open dialogue. A visitor finds an open consultation (Budget Talks) in the directory and
// follows it to its process; a new participant writes an idea, is shown similar ideas first, and
// is refused clearly for empty and oversize text; a staff member assesses the idea with a
// plain-language rewrite, which the author sees beside the original (who and when), is told about
// by e-mail, and objects to; the participant votes for one favourite per theme, checks the receipt,
// and is refused a vote where voting is closed; everyone reads the ranked results and the open
// data; a comment reported by two people is hidden and waits in the moderators' queue; site search
// finds ideas and consultations. In English and French, at phone and desktop width, with axe on
// every page, including the administration pages.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { listOutbox, parseEml, verificationLink, waitForMailTo } from '../lib/mail.js';
import { fill, formWith, submit, uniqueEmail } from '../lib/page.js';

const BUDGET = 'budget-talks'; // the process slug starts with this; the year follows
const NEXT = 'ogp-action-plan-next';
const PAST = 'ogp-action-plan-2016';
const PASSWORD = 'correct horse battery staple 42';

const WORDS = {
  en: {
    budget: 'Budget Talks',
    takePart: 'Share your ideas',
    submitIdea: 'Submit an idea',
    similarTitle: 'Similar ideas already submitted',
    theme: 'getting-around',
    similarSample: 'Pay transit fares with a bank card',
    title: (tag) => `Tap a bank card for transit fares on every bus ${tag}`,
    body: 'Let riders pay transit fares with a bank card on buses and trains, so that visitors need no special card.',
    required: 'Title: This field is required.',
    tooLong: 'at most 5000 characters',
    submitted: 'your idea is submitted',
    rewriteTitle: (tag) => `Pay any fare with a bank card ${tag}`,
    rewriteBody: 'Riders tap a debit or credit card to pay. Visitors need no special card.',
    rewriteNote: 'Shorter sentences.',
    rewrittenBy: 'Rewritten by',
    original: 'The author\'s original',
    mailSubject: /was rewritten in plain language/,
    objection: 'The rewrite drops the trains.',
    objected: 'Your objection is recorded.',
    receiptCounted: 'counted',
    votingClosed: 'Voting is not open in this process now.',
    emptyBallot: 'Choose at least one idea.',
    charter: 'Adopt the International Open Data Charter',
    comment: (tag) => `I would take part in an evening session ${tag}.`,
    reported: 'a moderator will look at your report',
    hidden: 'This was hidden after reports',
    search: 'bank card',
    searchHit: 'Pay transit fares with a bank card',
    consultationSearch: 'budget',
  },
  fr: {
    budget: 'Parlons budget',
    takePart: 'Proposer vos idées',
    submitIdea: 'Proposer une idée',
    similarTitle: 'Idées semblables déjà proposées',
    theme: 'health-and-care',
    similarSample: 'Des cliniques de soins infirmiers ouvertes le soir',
    title: (tag) => `Ouvrir des cliniques infirmières le soir ${tag}`,
    body: 'Des cliniques de soins infirmiers ouvertes le soir et la fin de semaine désengorgeraient les urgences.',
    required: 'Titre : Ce champ est obligatoire.',
    tooLong: 'au plus 5000 caractères',
    submitted: 'votre idée est proposée',
    rewriteTitle: (tag) => `Des cliniques infirmières ouvertes le soir ${tag}`,
    rewriteBody: 'Ouvrir des cliniques infirmières le soir et la fin de semaine. Les urgences seraient moins pleines.',
    rewriteNote: 'Phrases plus courtes.',
    rewrittenBy: 'Reformulée par',
    original: 'Le texte original',
    mailSubject: /a été reformulée en langage clair/,
    objection: 'La reformulation oublie les trains.',
    objected: 'Votre opposition est consignée.',
    receiptCounted: 'compté',
    votingClosed: 'Le vote n’est pas ouvert dans ce processus en ce moment.',
    emptyBallot: 'Choisissez au moins une idée.',
    charter: 'Adopt the International Open Data Charter',
    comment: (tag) => `Je participerais à une séance en soirée ${tag}.`,
    reported: 'la modération examinera votre signalement',
    hidden: 'masqué à la suite de signalements',
    search: 'cliniques soir',
    searchHit: 'Des cliniques de soins infirmiers ouvertes le soir',
    consultationSearch: 'budget',
  },
};

/** The demo administrator's password, which `agora demo` prints in the server's output. */
export function adminPassword(ctx) {
  const m = ctx.server.log().match(/^password: (\S+)$/m);
  assert.ok(m, 'agora demo printed no "password: …" line');
  return m[1];
}

export async function signIn(page, ctx, lang, email, password, label) {
  await visit(page, `${ctx.baseUrl}/${lang}/account/login`, label);
  const form = formWith(page, 'password');
  await fill(form, { email, password });
  const response = await submit(page, form);
  assert.ok(response.status() < 400, `sign-in answered ${response.status()}`);
}

/** Signs up a new participant, verifies the address from the outbox and signs in. */
export async function newParticipant(page, ctx, lang, tag, name, label) {
  const email = uniqueEmail(tag);
  await visit(page, `${ctx.baseUrl}/${lang}/account/signup`, label('signup'));
  const signup = formWith(page, 'password_confirm');
  await fill(signup, { email, display_name: name, password: PASSWORD, password_confirm: PASSWORD });
  const response = await submit(page, signup);
  assert.ok(response.status() < 400, `sign-up answered ${response.status()}`);
  const link = verificationLink(await waitForMailTo(ctx.server.outboxDir, email));
  await page.goto(link, { waitUntil: 'load' });
  await signIn(page, ctx, lang, email, PASSWORD, label('login'));
  return email;
}

/** Clicks a link or button and waits for the page it loads. */
export async function follow(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.first().click()]);
  return response;
}

async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ');
}

export default function dialogue(ctx) {
  describe('dialogue', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: take part, assess with a rewrite, vote with a receipt, results, report and moderate`, async () => {
          const w = WORDS[lang];
          const tag = `${lang}${vp.width}x${Date.now().toString(36)}`;
          const label = (step) => `dialogue-${lang}-${vp.width}-${step}`;
          const base = `${ctx.baseUrl}/${lang}`;
          let ideaUrl;
          let email;

          // A visitor finds an open consultation and where to take part.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, `${base}/consultations`, label('01-directory'));
            assert.equal(await htmlLang(page), lang);
            await page.selectOption('#status', 'open');
            await submit(page, formWith(page, 'status'));
            await checkPage(page, label('02-directory-open'));
            const entry = page.getByRole('link', { name: w.budget, exact: true });
            assert.ok(await entry.count(), `no ${w.budget} among the open consultations`);
            await follow(page, entry);
            await checkPage(page, label('03-consultation'));
            assert.match(await text(page, 'main'), /11/, 'the deadline is shown');
            await follow(page, page.getByRole('link', { name: w.takePart }));
            await checkPage(page, label('04-process'));
            assert.ok(new URL(page.url()).pathname.startsWith(`/${lang}/processes/${BUDGET}`));
          });

          // A new participant submits an idea: similar ideas first, clear refusals, then saved.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            email = await newParticipant(page, ctx, lang, `dlg-${tag}`, `Participant ${tag}`, (s) => label(`05-${s}`));
            await visit(page, `${base}/processes`, label('06-processes'));
            await follow(page, page.locator(`a[href^="/${lang}/processes/${BUDGET}"]`));
            await follow(page, page.getByRole('link', { name: w.submitIdea, exact: true }));
            await checkPage(page, label('07-idea-form'));

            // Empty title and oversize text: refused, each field named, in the page's language.
            let form = formWith(page, 'body');
            await page.check(`#theme-${w.theme}`);
            await fill(form, { title: '', body: 'x'.repeat(5001) });
            let response = await submit(page, form);
            assert.equal(response.status(), 422);
            await checkPage(page, label('08-idea-refused'));
            const summary = await text(page, '.agora-error-summary');
            assert.ok(summary.includes(w.required), summary);
            assert.ok(summary.includes(w.tooLong), summary);
            assert.equal(await page.locator('.agora-error-summary a[href="#title"]').count(), 1);

            // Similar ideas, found on the server before submitting.
            form = formWith(page, 'body');
            await fill(form, { title: w.title(tag), body: w.body });
            [response] = await Promise.all([
              page.waitForNavigation({ waitUntil: 'load' }),
              form.locator('button[value="check"]').click(),
            ]);
            assert.equal(response.status(), 200);
            await checkPage(page, label('09-similar'));
            const similar = await text(page, '.dialogue-similar');
            assert.ok(similar.includes(w.similarTitle), similar);
            assert.ok(similar.includes(w.similarSample), `the sample idea « ${w.similarSample} » is not among the similar ones: ${similar}`);

            form = formWith(page, 'body');
            [response] = await Promise.all([
              page.waitForNavigation({ waitUntil: 'load' }),
              form.locator('button[value="submit"]').click(),
            ]);
            assert.ok(response.status() < 400, `submitting answered ${response.status()}`);
            await checkPage(page, label('10-idea-submitted'));
            assert.ok((await text(page, '.agora-alert--success')).toLowerCase().includes(w.submitted));
            ideaUrl = page.url().split('?')[0];
          });

          // A staff member (the demo administrator) assesses it with a plain-language rewrite.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, 'admin@agora.example', adminPassword(ctx), label('11-staff-login'));
            await visit(page, `${base}/dialogue/assessment`, label('12-queue'));
            await follow(page, page.getByRole('link', { name: w.title(tag) }));
            await checkPage(page, label('13-assess'));
            const rewrite = page.locator(`form[action$="/rewrite"]`);
            await fill(rewrite, { title: w.rewriteTitle(tag), body: w.rewriteBody, note: w.rewriteNote });
            let response = await submit(page, rewrite);
            assert.ok(response.status() < 400, `the rewrite answered ${response.status()}`);
            await visit(page, `${ideaUrl}/assess`, label('14-assess-rewritten'));
            const assess = page.locator(`form[action$="/assess"]`);
            for (const box of await assess.locator('input[name="check"]').all()) await box.check();
            await page.check('#state-accepted');
            await fill(assess, { answer_en: 'Accepted for the next budget round.', answer_fr: 'Retenue pour le prochain budget.' });
            response = await submit(page, assess);
            assert.ok(response.status() < 400, `the assessment answered ${response.status()}`);

            // The public page shows the rewrite beside the original, with who and when.
            await visit(page, ideaUrl, label('15-idea-rewritten'));
            const versions = await text(page, '.dialogue-versions');
            assert.ok(versions.includes(w.rewrittenBy), versions);
            assert.ok(versions.includes(w.original), versions);
            assert.ok(versions.includes(w.rewriteBody) && versions.includes(w.body), 'both texts are shown');

            // The administration pages pass axe too.
            for (const [i, path] of ['/admin', '/admin/users', '/admin/audit', '/admin/jobs'].entries()) {
              await visit(page, `${base}${path}`, label(`16-admin-${i}`));
            }
          });

          // The author was told by e-mail, and objects to the rewrite.
          const mails = listOutbox(ctx.server.outboxDir)
            .map(({ file }) => parseEml(file))
            .filter((m) => m.to.toLowerCase().includes(email.toLowerCase()));
          const notice = mails.find((m) => w.mailSubject.test(m.subject));
          assert.ok(notice, `no e-mail about the rewrite to ${email}: ${mails.map((m) => m.subject).join('; ')}`);
          assert.ok(notice.parts.some((p) => p.text.includes(new URL(ideaUrl).pathname.replace(`/${lang}/`, '/'))), 'the e-mail links to the idea');

          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, email, PASSWORD, label('17-author-login'));
            await visit(page, ideaUrl, label('18-idea-author'));
            await page.locator('details.dialogue-object summary').click();
            const form = formWith(page, 'objection');
            await fill(form, { objection: w.objection });
            let response = await submit(page, form);
            assert.ok(response.status() < 400);
            await checkPage(page, label('19-objected'));
            assert.ok((await text(page, '.agora-alert--success')).includes(w.objected));
            assert.ok((await text(page, 'main')).includes(w.objection));

            // One favourite per theme; the receipt says each ballot is counted.
            await visit(page, `${base}/processes/${NEXT}/vote`, label('20-ballot'));
            let ballot = page.locator(`form[action$="/vote"]`);
            response = await submit(page, ballot);
            assert.equal(response.status(), 422, 'an empty ballot is refused');
            await checkPage(page, label('21-ballot-empty'));
            assert.ok((await text(page, '.agora-error-summary')).includes(w.emptyBallot));
            for (const set of await page.locator('fieldset.dialogue-ballot').all()) {
              await set.locator('input[type="radio"]').first().check();
            }
            ballot = page.locator(`form[action$="/vote"]`);
            response = await submit(page, ballot);
            assert.ok(response.status() < 400, `voting answered ${response.status()}`);
            await checkPage(page, label('22-voted'));
            const code = (await text(page, '#receipt-code')).trim();
            assert.match(code, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
            await follow(page, page.locator('a[href*="/receipts?code="]'));
            await checkPage(page, label('23-receipt'));
            const ballots = page.locator('.dialogue-receipt-ballots li');
            assert.equal(await ballots.count(), 4, 'one ballot per theme');
            for (const b of await ballots.all()) assert.ok((await b.innerText()).includes(w.receiptCounted));
            assert.ok(!(await text(page, 'main')).includes('Publish the reason'), 'the receipt does not tell the choice');

            // Voting where it is closed: a clear refusal in the page's language.
            await visit(page, `${base}/processes/${PAST}/vote`, label('24-vote-closed'), { status: 403 });
            assert.ok((await text(page, 'main')).includes(w.votingClosed));

            // A comment on an idea of the process in its voting phase.
            await visit(page, `${base}/processes/${NEXT}/ideas`, label('25-ideas'));
            await follow(page, page.locator(`main a[href^="/${lang}/ideas/"]`));
            const commented = page.url().split('?')[0].split('#')[0];
            const cform = formWith(page, 'comment');
            await fill(cform, { comment: w.comment(tag) });
            response = await submit(page, cform);
            assert.ok(response.status() < 400);
            await checkPage(page, label('26-commented'));
            ctx[`dialogue-comment-${tag}`] = commented;
          });

          // Ranked results of the 2016 co-creation, and its open data.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page, context) => {
            await visit(page, `${base}/processes/${PAST}`, label('27-past-process'));
            await visit(page, `${base}/processes/${PAST}/results`, label('28-results'));
            const first = page.locator('table').first().locator('tbody tr').first();
            assert.ok((await first.innerText()).includes(w.charter), 'the charter leads transparency');
            await follow(page, page.locator(`a[href$="/processes/${PAST}/data"]`));
            await checkPage(page, label('29-data'));
            const links = await page.locator('main a[href^="/api/v1/dialogue/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
            for (const name of ['ideas.csv', 'ideas.json', 'comments.csv', 'comments.json', 'tallies.csv', 'tallies.json']) {
              const href = links.find((h) => h.endsWith(`/${name}`));
              assert.ok(href, `the data page links to ${name}`);
              const res = await context.request.get(`${ctx.baseUrl}${href}`);
              assert.equal(res.status(), 200, `${href} answered ${res.status()}`);
              const body = await res.text();
              assert.ok(!/voter|@/.test(body), `${name} says nothing about voters`);
              if (name === 'tallies.csv') assert.ok(body.includes('Adopt the International Open Data Charter'));
              if (name === 'ideas.json') assert.ok(JSON.parse(body).some((i) => i.answer_en || i.answer?.en), 'ideas carry their answers');
            }
            const directory = await context.request.get(`${ctx.baseUrl}/api/v1/dialogue/consultations.csv`);
            assert.equal(directory.status(), 200);

            // Site search finds ideas and consultations, in the page's language.
            await visit(page, `${base}/search?q=${encodeURIComponent(w.search)}`, label('30-search'));
            assert.ok((await text(page, '.agora-results')).includes(w.searchHit), 'site search finds the idea');
            await visit(page, `${base}/search?q=${w.consultationSearch}&kind=consultation`, label('31-search-consultations'));
            await follow(page, page.locator('.agora-results a').filter({ hasText: w.budget }));
            await checkPage(page, label('32-search-to-consultation'));
            assert.ok(new URL(page.url()).pathname.startsWith(`/${lang}/consultations/budget-talks`));
          });

          // Two people report the comment: it is hidden pending review and waits in the queue.
          const commented = ctx[`dialogue-comment-${tag}`];
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await newParticipant(page, ctx, lang, `dlg-r-${tag}`, `Reader ${tag}`, (s) => label(`33-${s}`));
            await visit(page, commented, label('34-comment-to-report'));
            const item = page.locator('li.dialogue-comment', { hasText: w.comment(tag) });
            await item.locator('details.dialogue-report summary').click();
            await item.locator('input[value="spam"]').check();
            const response = await follow(page, item.locator('details.dialogue-report button[type="submit"]'));
            assert.ok(response.status() < 400);
            await checkPage(page, label('35-reported'));
            assert.ok((await text(page, '.agora-alert--success')).toLowerCase().includes(w.reported));
          });
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, 'admin@agora.example', adminPassword(ctx), label('36-mod-login'));
            await visit(page, commented, label('37-comment-mod'));
            const item = page.locator('li.dialogue-comment', { hasText: w.comment(tag) });
            await item.locator('details.dialogue-report summary').click();
            await item.locator('input[value="off_topic"]').check();
            await follow(page, item.locator('details.dialogue-report button[type="submit"]'));
            await checkPage(page, label('38-hidden'));
            await visit(page, `${base}/dialogue/moderation`, label('39-moderation'));
            assert.ok((await text(page, 'main')).includes(w.comment(tag)), 'the hidden comment waits in the queue');
          });
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, commented, label('40-hidden-visitor'));
            const main = await text(page, 'main');
            assert.ok(!main.includes(w.comment(tag)), 'visitors no longer see the comment');
            assert.ok(main.includes(w.hidden), main.slice(0, 500));
          });
        });
      }
    }
  });
}
