// The browser journeys. One `agora demo` server and one Chromium serve all of them; each journey
// runs at phone and desktop width in fresh browser contexts. Run one with
// `node --test --test-name-pattern=<name> journeys.test.js`.

import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';

import { launchBrowser, SCREENSHOT_DIR } from './lib/browser.js';
import { startAgora } from './lib/server.js';

import account from './journeys/account.js';
import catalogue from './journeys/catalogue.js';
import catalogueEditor from './journeys/catalogue-editor.js';
import datastore from './journeys/datastore.js';
import consultationStaff from './journeys/consultation-staff.js';
import dialogue from './journeys/dialogue.js';
import home from './journeys/home.js';
import invalidSignup from './journeys/invalid-signup.js';
import keyboard from './journeys/keyboard.js';
import languageToggle from './journeys/language-toggle.js';
import library from './journeys/library.js';
import notFound from './journeys/not-found.js';
import processSetup from './journeys/process-setup.js';
import requests from './journeys/requests.js';
import rootRedirect from './journeys/root-redirect.js';
import tracker from './journeys/tracker.js';

const ctx = {};

before(async () => {
  fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  ctx.server = await startAgora();
  ctx.baseUrl = ctx.server.baseUrl;
  ctx.browser = await launchBrowser();
});

after(async () => {
  await ctx.browser?.close();
  if (ctx.server) {
    // Keep the server's output beside the screenshots for whoever reads a failure.
    fs.writeFileSync(path.join(SCREENSHOT_DIR, 'server.log'), ctx.server.log());
    await ctx.server.stop();
  }
});

home(ctx);
rootRedirect(ctx);
account(ctx);
invalidSignup(ctx);
languageToggle(ctx);
notFound(ctx);
keyboard(ctx);
catalogue(ctx);
dialogue(ctx);
processSetup(ctx);
consultationStaff(ctx);
datastore(ctx);
requests(ctx);
tracker(ctx);
library(ctx);
// Last: it changes the demo catalogue that the journeys above count.
catalogueEditor(ctx);
