// Dialogs with the keyboard (WAI-ARIA dialog pattern): the gallery, the
// class view and the QR code take the focus when they open, keep Tab and
// Shift+Tab inside, close on Escape without the editor's shortcuts acting
// behind them, and give the focus back to the button that opened them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp } from './harness.mjs';

const env = useBrowser();

/** The data-testid of the focused element and of the dialog around it. */
const focus = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { testid: el?.dataset?.testid ?? el?.tagName, dialog: el?.closest('[role=dialog]')?.dataset?.testid ?? null };
});

/** Presses `key` `times` times, checking after each press that the focus stays in `dialog`. */
async function staysIn(page, dialog, key, times) {
  for (let k = 0; k < times; k++) {
    await page.keyboard.press(key);
    const at = await focus(page);
    assert.equal(at.dialog, dialog, `${key} #${k + 1} moved the focus to ${at.testid}, out of ${dialog}`);
  }
}

/**
 * Opens `dialog` with the button `opener`, checks that the focus is in it
 * (on `first` if given) and stays there for `tabs` Tabs, closes it with
 * Escape and checks that the focus is back on `opener`.
 */
async function roundTrip(page, opener, dialog, tabs, first) {
  await page.getByTestId(opener).click();
  await page.getByTestId(dialog).waitFor();
  const at = await focus(page);
  assert.equal(at.dialog, dialog);
  if (first) assert.equal(at.testid, first);
  await staysIn(page, dialog, 'Tab', tabs);
  await page.keyboard.press('Escape');
  await page.getByTestId(dialog).waitFor({ state: 'detached' });
  assert.equal((await focus(page)).testid, opener);
}

test('dialogs take the focus, keep Tab inside, close on Escape and give the focus back', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, undefined, { closeGallery: false });
  await page.getByTestId('gallery').waitFor();
  // The first visit's gallery has the focus on its first exercise.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid?.startsWith('preset-'));
  const presets = await page.locator('[data-testid^=preset-]').count();
  await staysIn(page, 'gallery', 'Tab', presets + 4);
  await staysIn(page, 'gallery', 'Shift+Tab', 5);
  await page.keyboard.press('Escape');
  await page.getByTestId('gallery').waitFor({ state: 'detached' });

  // Escape in a dialog closes it and nothing else: the selected node stays
  // selected (on the canvas, Escape would select nothing).
  await page.getByTestId('node-web').click();
  await page.getByTestId('presets').click();
  await page.getByTestId('gallery').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('gallery').waitFor({ state: 'detached' });
  assert.equal((await focus(page)).testid, 'presets', 'the focus is back on the button that opened the gallery');
  assert.match(await page.getByTestId('node-web').getAttribute('class'), /selected/);

  // The class view: the focus goes in, stays in, and comes back.
  await roundTrip(page, 'class-view', 'class-dialog', 8);
  // The QR code of a share link: the focus starts on its Close button.
  await page.getByTestId('share').click();
  await roundTrip(page, 'share-qr', 'qr-dialog', 3, 'qr-close');
  assert.deepEqual(problems, []);
});
