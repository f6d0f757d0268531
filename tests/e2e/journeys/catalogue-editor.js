// Journey: an organization's editor adds a dataset (after a refused submission that shows the
// error summary) and uploads its CSV file, lands on the resource's data page and sees the file
// loaded as a typed table, then marks another of the ministry's datasets restricted
// with a public rationale; a visitor reads the access box and the access history. In English
// and French, at phone and desktop width, with axe on every page.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

import { checkPage, htmlLang, visit, VIEWPORTS, withPage } from '../lib/browser.js';
import { fill, formWith, submit } from '../lib/page.js';
import { agoraBin } from '../lib/server.js';

const ORG = 'ministry-of-agriculture-food-and-rural-affairs';
const PASSWORD = 'a long enough password';

const WORDS = {
  en: {
    add: 'Add a dataset',
    titleLabel: 'Title in English',
    created: 'The dataset is created. Now add its data.',
    saved: 'The resource is saved.',
    wholeNumber: 'whole number',
    change: 'Change its access level',
    accessSaved: 'The access level is changed and recorded in the access history.',
    restricted: 'Restricted',
    rationale: (tag) => `Field locations identify individual farms (${tag}).`,
  },
  fr: {
    add: 'Ajouter un jeu de données',
    titleLabel: 'Titre en anglais',
    created: 'Le jeu de données est créé. Ajoutez maintenant ses données.',
    saved: 'La ressource est enregistrée.',
    wholeNumber: 'nombre entier',
    change: 'Changer son niveau d’accès',
    accessSaved: 'Le niveau d’accès est changé et consigné dans l’historique de l’accès.',
    restricted: 'Restreint',
    rationale: (tag) => `L’emplacement des champs permet d’identifier chaque ferme (${tag}).`,
  },
};

/** An editor for the ministry, made with `agora user create` beside the running server. */
function createEditor(ctx, email) {
  execFileSync(
    agoraBin(),
    ['user', 'create', email, '--role', 'editor', '--org', ORG, '--data-dir', ctx.server.dataDir],
    { input: PASSWORD, stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

async function signIn(page, ctx, lang, email, label) {
  await visit(page, `${ctx.baseUrl}/${lang}/account/login`, label);
  const form = formWith(page, 'password');
  await fill(form, { email, password: PASSWORD });
  const response = await submit(page, form);
  assert.ok(response.status() < 400, `sign-in answered ${response.status()}`);
}

export default function catalogueEditor(ctx) {
  describe('catalogue editor', () => {
    for (const lang of ['en', 'fr']) {
      for (const vp of VIEWPORTS) {
        it(`${lang} at ${vp.width}px: an editor adds a dataset with a file and restricts another; a visitor reads why`, async () => {
          const w = WORDS[lang];
          const tag = `${lang}-${vp.width}-${Date.now()}`;
          const label = (step) => `catalogue-editor-${lang}-${vp.width}-${step}`;
          const email = `editor-${tag}@agora.example`;
          createEditor(ctx, email);
          let restrictedUrl;

          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page, context) => {
            await signIn(page, ctx, lang, email, label('1-login'));
            await visit(page, `${ctx.baseUrl}/${lang}/dataset`, label('2-search'));
            const add = page.getByRole('link', { name: w.add, exact: true });
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), add.click()]);
            await checkPage(page, label('3-new'));
            assert.equal(await htmlLang(page), lang);

            // Refused: no title, restricted without a reason. The summary names the fields.
            let form = formWith(page, 'title_en');
            await page.check('#access_level-restricted');
            let response = await submit(page, form);
            assert.equal(response.status(), 422);
            await checkPage(page, label('4-refused'));
            const summary = page.locator('.agora-error-summary');
            const link = summary.locator('a[href="#title_en"]');
            assert.equal(await link.count(), 1, await summary.innerText());
            assert.ok((await link.innerText()).startsWith(w.titleLabel), await link.innerText());
            assert.equal(await summary.locator('a[href="#exemption_rationale_en"]').count(), 1);
            assert.equal(await page.locator('#title_en[aria-invalid="true"]').count(), 1);

            // Accepted.
            form = formWith(page, 'title_en');
            await fill(form, {
              title_en: `Pollinator survey ${tag}`,
              title_fr: `Relevé des pollinisateurs ${tag}`,
              notes_en: 'Counts of **bees** and butterflies by county.',
              notes_fr: 'Dénombrement des abeilles et des papillons par comté.',
              keywords_en: 'bees, pollinators',
              keywords_fr: 'abeilles, pollinisateurs',
              maintainer: 'Crop Protection Branch',
              temporal_start: '2024-04-01',
            });
            await page.check('#access_level');
            await page.selectOption('#license_id', 'OGL-ON-1.0');
            await page.selectOption('#update_frequency', 'yearly');
            response = await submit(page, form);
            assert.ok(response.status() < 400, `creating answered ${response.status()}`);
            await checkPage(page, label('5-resource-form'));
            assert.ok((await page.locator('.agora-alert--success').innerText()).includes(w.created));

            // The file.
            const csv = 'county,bees,butterflies\nWellington,1203,88\nHuron,977,61\n';
            await page.setInputFiles('#file', { name: 'pollinators.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
            await fill(formWith(page, 'name_en'), { name_en: 'Pollinator counts 2024', name_fr: 'Dénombrements 2024' });
            response = await submit(page, formWith(page, 'name_en'));
            assert.ok(response.status() < 400, `uploading answered ${response.status()}`);

            // The data page follows the load, then shows the typed table.
            assert.match(page.url(), /\/resource\/[0-9a-f-]+\/data\?notice=/);
            await checkPage(page, label('6-loading'));
            assert.ok((await page.locator('.agora-alert--success').innerText()).includes(w.saved));
            const dataUrl = page.url().split('?')[0];
            for (let i = 0; i < 100 && !(await page.locator('table.agora-data-table').count()); i += 1) {
              await page.waitForTimeout(200);
              await page.goto(dataUrl, { waitUntil: 'load' });
            }
            await checkPage(page, label('6-data'));
            const cells = await page.locator('table.agora-data-table tbody tr').allInnerTexts();
            assert.equal(cells.length, 2, cells.join(' | '));
            assert.match(cells[0], /Wellington\s+1203\s+88/);
            assert.ok((await page.locator('label[for]', { hasText: 'bees' }).textContent()).includes(w.wholeNumber));
            assert.equal(await page.locator('th[aria-sort]').count(), 4, 'the _id column and the three of the file');

            await visit(page, dataUrl.replace(/\/resource\/.*$/, ''), label('6-dataset'));
            const download = page.locator('#resources ~ .agora-table-wrap a[href*="/download/pollinators.csv"]');
            assert.equal(await download.count(), 1, 'the upload is listed with its download link');
            const file = await context.request.get(await download.getAttribute('href'));
            assert.equal(file.status(), 200);
            assert.equal(await file.text(), csv);

            // Another of the ministry's open datasets, marked restricted with a rationale.
            await visit(page, `${ctx.baseUrl}/${lang}/dataset?organization=${ORG}&sort=title`, label('7-ministry'));
            const hrefs = await page.locator('.agora-results h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
            const other = hrefs.find((h) => !h.includes('pollinator-survey'));
            assert.ok(other, 'the ministry has another open dataset');
            await visit(page, `${ctx.baseUrl}${other}`, label('8-other'));
            const change = page.getByRole('link', { name: w.change, exact: true });
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), change.click()]);
            await checkPage(page, label('9-access-form'));
            await page.check('#access_level-restricted');
            await page.selectOption('#exemption', 'commercial_sensitivity');
            await fill(formWith(page, 'exemption_rationale_en'), {
              exemption_rationale_en: WORDS.en.rationale(tag),
              exemption_rationale_fr: WORDS.fr.rationale(tag),
            });
            response = await submit(page, formWith(page, 'exemption_rationale_en'));
            assert.ok(response.status() < 400, `changing access answered ${response.status()}`);
            await checkPage(page, label('10-restricted'));
            assert.ok((await page.locator('.agora-alert--success').innerText()).includes(w.accessSaved));
            restrictedUrl = page.url().split('?')[0];
          });

          // A visitor reads why, and the history.
          await withPage(ctx.browser, vp, { locale: `${lang}-CA` }, async (page) => {
            await visit(page, restrictedUrl, label('11-visitor'));
            const box = await page.locator('.agora-access').innerText();
            assert.ok(box.includes(w.restricted), box);
            assert.ok(box.includes(w.rationale(tag)), box);
            const history = page.locator('table', { has: page.locator('caption', { hasText: lang === 'en' ? 'Access history' : 'Historique de l’accès' }) });
            const rows = await history.locator('tbody tr').allInnerTexts();
            assert.ok(rows.length >= 2, `the history lists the change: ${rows}`);
            assert.ok(rows.at(-1).includes(w.restricted), rows.at(-1));
            assert.equal(await page.getByRole('link', { name: w.change, exact: true }).count(), 0, 'visitors get no editor tools');
          });
        });
      }
    }
  });
}
