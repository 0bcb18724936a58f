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
  await page.getByTestId('class-view').click();
  await page.getByTestId('class-dialog').waitFor();
  assert.equal((await focus(page)).dialog, 'class-dialog');
  await staysIn(page, 'class-dialog', 'Tab', 8);
  await page.keyboard.press('Escape');
  await page.getByTestId('class-dialog').waitFor({ state: 'detached' });
  assert.equal((await focus(page)).testid, 'class-view');

  // The QR code of a share link.
  await page.getByTestId('share').click();
  await page.getByTestId('share-qr').click();
  await page.getByTestId('qr-dialog').waitFor();
  assert.equal((await focus(page)).testid, 'qr-close');
  await staysIn(page, 'qr-dialog', 'Tab', 3);
  await page.keyboard.press('Escape');
  await page.getByTestId('qr-dialog').waitFor({ state: 'detached' });
  assert.equal((await focus(page)).testid, 'share-qr');
  assert.deepEqual(problems, []);
});
