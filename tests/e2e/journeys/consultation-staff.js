// Journey: staff run a consultation from the pages. The demo administrator creates an entry (a
// refusal first, each field named), which stays a draft only staff see, previews and publishes
// it; a participant subscribes to its results; later the staff publish the results with a file,
// and the participant receives the e-mail. In English and French, at phone and desktop width,
// with axe on every page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { waitForMailTo } from '../lib/mail.js';
import { fill, formWith, submit } from '../lib/page.js';
import { adminPassword, follow, newParticipant, signIn } from './dialogue.js';

const WORDS = {
  en: {
    newEntry: 'New consultation',
    noOrganization: 'Organization: Choose the organization that runs the consultation.',
    draft: 'Draft',
    publish: 'Publish',
    published: 'The consultation is published',
    subscribe: 'Tell me when the results are published',
    subscribed: 'You will get an e-mail when the results are published.',
    publishResults: 'Publish the results',
    attach: 'Attach the file',
    mailSubject: /^Results published: /,
  },
  fr: {
    newEntry: 'Nouvelle consultation',
    noOrganization: 'Organisation : Choisissez l’organisation qui mène la consultation.',
    draft: 'Brouillon',
    publish: 'Publier',
    published: 'La consultation est publiée',
    subscribe: 'Me prévenir quand les résultats seront publiés',
    subscribed: 'Vous recevrez un courriel quand les résultats seront publiés.',
    publishResults: 'Publier les résultats',
    attach: 'Joindre le fichier',
    mailSubject: /^Résultats publiés : /,
  },
};

function day(offset) {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ');
}

export default function consultationStaff(ctx) {
  describe('consultation staff', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: create a draft, publish it, publish its results, a subscriber is told`, async () => {
          const w = WORDS[lang];
          const tag = `${lang}${vp.width}x${Date.now().toString(36)}`;
          const slug = `e2e-${tag}`;
          const title = `Libraries after hours ${tag}`;
          const label = (step) => `consultation-staff-${lang}-${vp.width}-${step}`;
          const base = `${ctx.baseUrl}/${lang}`;
          const entryUrl = `${base}/consultations/${slug}`;

          // Staff create the entry: refused without an organization, then saved as a draft.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, 'admin@agora.example', adminPassword(ctx), label('01-login'));
            await visit(page, `${base}/dialogue/consultations`, label('02-mine'));
            await follow(page, page.getByRole('link', { name: w.newEntry }));
            await checkPage(page, label('03-form'));
            let form = formWith(page, 'title_en');
            await fill(form, { title_en: title, slug, opens_on: day(-1), closes_on: day(30) });
            let response = await submit(page, form);
            assert.equal(response.status(), 422);
            await checkPage(page, label('04-refused'));
            const summary = await text(page, '.agora-error-summary');
            assert.ok(summary.includes(w.noOrganization), summary);
            assert.equal(await page.locator('.agora-error-summary a[href="#organization"]').count(), 1);

            form = formWith(page, 'title_en');
            await form.locator('[name="organization"]').selectOption({ index: 1 });
            await form.locator('[name="ways[0].kind"]').selectOption('event');
            await fill(form, {
              summary_en: 'Should libraries stay open in the evening?',
              'ways[0].place_en': 'Toronto Reference Library',
              'ways[0].event_on': day(7),
              'ways[0].time_label': '18:00–20:00',
            });
            response = await submit(page, form);
            assert.ok(response.status() < 400, `saving answered ${response.status()}`);
            assert.equal(new URL(page.url()).pathname, `/${lang}/consultations/${slug}`);
            await checkPage(page, label('05-preview'));
            assert.ok((await text(page, '.dialogue-draft-banner')).includes(w.draft));
            assert.ok((await text(page, 'main')).includes('Toronto Reference Library'));
          });

          // Nobody else sees the draft.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, entryUrl, label('06-draft-hidden'), { status: 404 });
          });

          // Published, it is public.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, 'admin@agora.example', adminPassword(ctx), label('07-login'));
            await visit(page, entryUrl, label('08-draft'));
            await follow(page, page.getByRole('button', { name: w.publish, exact: true }));
            await checkPage(page, label('09-published'));
            assert.ok((await text(page, '.agora-alert--success')).includes(w.published));
          });

          // A participant asks to hear of the results.
          let email;
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            email = await newParticipant(page, ctx, lang, `cst-${tag}`, `Subscriber ${tag}`, (s) => label(`10-${s}`));
            await visit(page, entryUrl, label('11-entry'));
            await follow(page, page.getByRole('button', { name: w.subscribe }));
            await checkPage(page, label('12-subscribed'));
            assert.ok((await text(page, 'main')).includes(w.subscribed));
          });

          // Later, staff publish the results with a file.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, 'admin@agora.example', adminPassword(ctx), label('13-login'));
            await visit(page, `${entryUrl}/results`, label('14-results-form'));
            const files = formWith(page, 'file');
            await files.locator('[name="file"]').setInputFiles({
              name: 'report.txt',
              mimeType: 'text/plain',
              buffer: Buffer.from('What people said, in full.'),
            });
            await fill(files, { attachment_title_en: 'Full report' });
            let response = await submit(page, files);
            assert.ok(response.status() < 400, `attaching answered ${response.status()}`);
            await checkPage(page, label('15-attached'));
            const results = formWith(page, 'we_did_en');
            await fill(results, {
              we_asked_en: 'Whether libraries should open in the evening.',
              you_said_en: 'Most of you said yes.',
              we_did_en: 'Ten branches open until 21:00 from next month.',
            });
            response = await submit(page, results);
            assert.ok(response.status() < 400, `publishing answered ${response.status()}`);
            await checkPage(page, label('16-results'));
            const main = await text(page, 'main');
            assert.ok(main.includes('Ten branches open until 21:00'), main);
            assert.ok(main.includes('Full report'), main);
          });

          // The subscriber receives the e-mail, in the language they signed up in, with the link.
          const mail = await waitForMailTo(ctx.server.outboxDir, email);
          assert.match(mail.subject, w.mailSubject);
          assert.ok(mail.parts.some((p) => p.text.includes(`/consultations/${slug}`)), 'the e-mail links to the entry');
        });
      }
    }
  });
}
