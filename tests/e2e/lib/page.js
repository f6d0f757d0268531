// Small page-level helpers shared by the journeys.

import assert from 'node:assert/strict';

/** The site header (the banner landmark). */
export function siteHeader(page) {
  return page.locator('[role="banner"], header').first();
}

/** The form that holds a field named `fieldName`. */
export function formWith(page, fieldName) {
  return page.locator(`form:has([name="${fieldName}"])`).first();
}

/** Fills the named fields of `form` ({ name: value }). */
export async function fill(form, values) {
  for (const [name, value] of Object.entries(values)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
}

/**
 * Submits `form` with its submit button and waits for the next page. With `skipBrowserValidation`
 * the browser's own constraint checks (required, minlength, type=email) are switched off first so
 * the server's validation is what is tested. Returns the response of the page that loads.
 */
export async function submit(page, form, { skipBrowserValidation = false } = {}) {
  if (skipBrowserValidation) await form.evaluate((f) => (f.noValidate = true));
  const button = form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first();
  assert.ok(await button.count(), 'the form has no submit button');
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
  assert.ok(response, 'submitting the form loaded no page');
  return response;
}

/** Path (with query) of the page's URL. */
export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

/** A unique e-mail address for one journey run. */
export function uniqueEmail(tag) {
  const rand = Math.random().toString(36).slice(2, 8);
  return `e2e-${tag}-${Date.now()}-${rand}@example.org`;
}

/** Whether the header shows the signed-in state: a sign-out button in a form posting to logout. */
export async function signedInState(page, lang) {
  const header = siteHeader(page);
  const logoutForm = header.locator(`form[action="/${lang}/account/logout"]`);
  const signIn = header.locator(`a[href^="/${lang}/account/login"]`);
  return {
    logoutForms: await logoutForm.count(),
    logoutButton: logoutForm.locator('button, input[type="submit"]').first(),
    logoutMethod: (await logoutForm.count()) ? ((await logoutForm.first().getAttribute('method')) ?? 'get') : null,
    signInLinks: await signIn.count(),
    signIn: signIn.first(),
  };
}

/** Presses a key and waits for the CSS transitions it started (focus styles often animate). */
export async function press(page, key) {
  await page.keyboard.press(key);
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
        .map((a) => a.finished.catch(() => {})),
    ),
  );
}
