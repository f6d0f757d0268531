// Journey: the accountability tracker. A team member (the demo administrator) posts a progress
// update that moves a milestone, after a refused attempt with a link to a page that does not
// exist; a visitor then follows the change in the list, on the commitment page, in the
// timeline (SVG chart and table) and in the Atom feeds, and opens the printable action plan.
// The team member also adds a milestone through its form, after a refused attempt with an end
// before the start, and opens the form with every field of the commitment; the visitor sees the
// trail back to the co-creation ideas the commitment came from.
// In English and French, at phone and desktop width, with axe on every page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { fill, formWith, submit } from '../lib/page.js';

const C1 = 'commitments/adopt-the-international-open-data-charter';
const C2 = 'commitments/youth-digital-engagement-tool';

// Each run moves a different milestone, so the runs do not depend on each other.
const RUNS = {
  'en-375': { item: C1, position: 3, activity: 'Publish Implementation Schedule and Plan' },
  'en-1280': { item: C1, position: 4, activity: 'Provide updated tools and guidance' },
  'fr-375': { item: C2, position: 2, activity: 'Organiser un ou des laboratoires de conception' },
  'fr-1280': { item: C2, position: 3, activity: 'Lancer la version bêta' },
};

const WORDS = {
  en: {
    post: 'Post a progress update',
    substantial: 'Substantial',
    notice: 'Your progress update is posted.',
    missing: 'There is no page at',
    addMilestone: 'Add a milestone',
    endBeforeStart: 'End date: The end date is before the start date.',
    milestoneSaved: 'The milestone is saved.',
    editDetails: 'Edit the details',
    fromProcess: 'From the co-creation process',
    body: (tag) => `Progress ${tag}: the draft is with ministries for comment.`,
    milestone: 'Milestone',
  },
  fr: {
    post: 'Publier une mise à jour',
    substantial: 'Substantiel',
    notice: 'Votre mise à jour est publiée.',
    missing: "Il n'y a aucune page à l'adresse",
    addMilestone: 'Ajouter un jalon',
    endBeforeStart: 'Date de fin : La date de fin précède la date de début.',
    milestoneSaved: 'Le jalon est enregistré.',
    editDetails: 'Modifier les renseignements',
    fromProcess: 'Issu du processus de cocréation',
    body: (tag) => `Avancement ${tag} : l'ébauche est soumise aux ministères.`,
    milestone: 'Jalon',
  },
};

/** The demo administrator's password, which `agora demo` prints in the server's output. */
function adminPassword(ctx) {
  const m = ctx.server.log().match(/^password: (\S+)$/m);
  assert.ok(m, 'agora demo printed no "password: …" line');
  return m[1];
}

async function signIn(page, ctx, lang, label) {
  await visit(page, `${ctx.baseUrl}/${lang}/account/login`, label);
  const form = formWith(page, 'password');
  await fill(form, { email: 'admin@agora.example', password: adminPassword(ctx) });
  const response = await submit(page, form);
  assert.ok(response.status() < 400, `sign-in answered ${response.status()}`);
}

/** The text of the milestones table row of milestone `position`. */
async function milestoneRow(page, position) {
  const row = page.locator(`#milestone-${position}`);
  assert.equal(await row.count(), 1, `no row for milestone ${position} on ${page.url()}`);
  return (await row.innerText()).replace(/\s+/g, ' ');
}

export default function tracker(ctx) {
  describe('tracker', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: a team member moves a milestone; a visitor follows it in the timeline and the feeds`, async () => {
          const run = RUNS[`${lang}-${vp.width}`];
          const w = WORDS[lang];
          const tag = `${lang}-${vp.width}-${Date.now()}`;
          const label = (step) => `tracker-${lang}-${vp.width}-${step}`;
          const itemUrl = `${ctx.baseUrl}/${lang}/tracker/${run.item}`;

          // The team member posts the update.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await signIn(page, ctx, lang, label('1-login'));
            await visit(page, itemUrl, label('2-commitment-team'));
            assert.equal(await htmlLang(page), lang);
            assert.ok(!(await milestoneRow(page, run.position)).includes(w.substantial), 'the milestone starts below substantial');
            const post = page.getByRole('link', { name: w.post, exact: true }).first();
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), post.click()]);
            await checkPage(page, label('3-update-form'));

            const form = formWith(page, 'body_en');
            const option = page.locator('#milestone option', { hasText: run.activity });
            await page.selectOption('#milestone', await option.first().getAttribute('value'));
            await page.check('#completion-substantial');
            await form.locator(lang === 'fr' ? '[name="body_fr"]' : '[name="body_en"]').fill(w.body(tag));
            await fill(form, { evidence_url: `/${lang}/tracker/commitments/no-such-commitment` });

            // A link to a page that does not exist is refused, in the page's language, and
            // the error summary leads to the field.
            let response = await submit(page, form);
            assert.equal(response.status(), 422);
            await checkPage(page, label('4-update-refused'));
            const summary = page.locator('.agora-error-summary');
            assert.ok((await summary.innerText()).includes(w.missing), await summary.innerText());
            assert.equal(await summary.locator('a[href="#evidence_url"]').count(), 1);
            assert.equal(await page.locator('#completion-substantial').isChecked(), true, 'the choices are kept');

            await fill(formWith(page, 'body_en'), { evidence_url: `/${lang}/tracker/plans/ontario-ogp-action-plan-2017` });
            response = await submit(page, formWith(page, 'body_en'));
            assert.ok(response.status() < 400, `posting the update answered ${response.status()}`);
            await checkPage(page, label('5-update-posted'));
            assert.ok((await page.locator('.agora-alert--success').innerText()).includes(w.notice));
            assert.ok((await milestoneRow(page, run.position)).includes(w.substantial));
            assert.ok((await page.locator('.tracker-updates').innerText()).includes(w.body(tag)));

            // A new milestone through its form: an end before the start is refused with the
            // error summary leading to the field; corrected, it is saved at the end of the table.
            const add = page.getByRole('link', { name: w.addMilestone, exact: true }).first();
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), add.click()]);
            await checkPage(page, label('5a-milestone-form'));
            const activity = `Review ${tag}`;
            const mform = formWith(page, 'activity_en');
            await fill(mform, { [lang === 'fr' ? 'activity_fr' : 'activity_en']: activity, start: '2027-05', end: '2027-03' });
            response = await submit(page, mform);
            assert.equal(response.status(), 422);
            await checkPage(page, label('5b-milestone-refused'));
            const msummary = page.locator('.agora-error-summary');
            assert.ok((await msummary.innerText()).includes(w.endBeforeStart), await msummary.innerText());
            assert.equal(await msummary.locator('a[href="#end"]').count(), 1);
            assert.equal(await page.locator('#end[aria-invalid="true"]').count(), 1);
            await fill(formWith(page, 'activity_en'), { end: '2027-09' });
            response = await submit(page, formWith(page, 'activity_en'));
            assert.ok(response.status() < 400, `saving the milestone answered ${response.status()}`);
            await checkPage(page, label('5c-milestone-saved'));
            assert.ok((await page.locator('.agora-alert--success').innerText()).includes(w.milestoneSaved));
            assert.ok((await page.locator('.tracker-milestones').innerText()).includes(activity));

            // The form with every field of the commitment, filled in.
            const edit = page.getByRole('link', { name: w.editDetails, exact: true }).first();
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), edit.click()]);
            await checkPage(page, label('5d-details-form'));
            assert.ok((await page.locator('#title_en').inputValue()).length > 0, 'the form is filled in');
          });

          // A visitor follows it.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page, context) => {
            await visit(page, `${ctx.baseUrl}/${lang}/tracker`, label('6-list'));
            await visit(page, itemUrl, label('7-commitment-visitor'));
            assert.equal(await page.getByRole('link', { name: w.post, exact: true }).count(), 0, 'visitors get no form');
            assert.ok((await page.locator('.tracker-updates').innerText()).includes(w.body(tag)));
            const origin = await page.locator('#origin ~ p').first().innerText();
            assert.ok(origin.includes(w.fromProcess), `no trail to the process: ${origin}`);
            assert.ok((await page.locator('.tracker-origin-ideas a[href*="/ideas/"]').count()) >= 1, 'the trail links to the ideas');

            await visit(page, `${ctx.baseUrl}/${lang}/tracker/timeline`, label('8-timeline'));
            assert.equal(await page.locator('svg.tracker-gantt__svg[role="img"]').count(), 1, 'the timeline draws its chart');
            assert.equal(await page.locator('.tracker-gantt__today').count(), 1, "the chart has today's line");
            const row = page.locator('.tracker-timeline-table tr', { hasText: run.activity });
            assert.ok((await row.first().innerText()).includes(w.substantial), 'the timeline table shows the new completion');

            for (const feed of [`${ctx.baseUrl}/${lang}/tracker/feed.atom`, `${itemUrl}/feed.atom`]) {
              const res = await context.request.get(feed);
              assert.equal(res.status(), 200);
              assert.ok(res.headers()['content-type'].startsWith('application/atom+xml'));
              const xml = await res.text();
              assert.ok(xml.includes(w.body(tag).replace("'", '&apos;').slice(0, 20)), `${feed} lacks the update`);
              assert.ok(xml.includes(`${w.milestone} ${run.position}`), `${feed} does not name the milestone`);
            }

            await visit(page, `${ctx.baseUrl}/${lang}/tracker/plans/ontario-ogp-action-plan-2017`, label('9-plan'));
            await page.emulateMedia({ media: 'print' });
            assert.equal(await page.locator('header.agora-header').isVisible(), false, 'the printed plan has no site header');
            await page.emulateMedia({ media: 'screen' });

            // The site search finds the commitment and leads to its page.
            const words = lang === 'fr' ? 'charte données ouvertes' : 'open data charter';
            await visit(page, `${ctx.baseUrl}/${lang}/search?q=${encodeURIComponent(words)}&kind=tracker_item`, label('10-search'));
            const title = lang === 'fr' ? 'Charte internationale sur les données ouvertes' : 'International Open Data Charter';
            await page.locator('.agora-results a').filter({ hasText: title }).first().click();
            await page.waitForLoadState();
            await checkPage(page, label('11-search-to-commitment'));
            assert.equal(new URL(page.url()).pathname, `/${lang}/tracker/${C1}`);
          });
        });
      }
    }
  });
}
