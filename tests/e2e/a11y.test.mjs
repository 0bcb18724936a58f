// Accessibility: axe-core (the npm package, injected into the page) finds
// no serious or critical violation of WCAG 2.1 A/AA (colour contrast
// included) on the gallery, the editor, a running and a finished run, in
// normal and Present mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { useBrowser, openApp } from './harness.mjs';

const env = useBrowser();
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical violations on the page as it is now, one line each. */
async function violations(page) {
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1).join(' ')}`));
  });
  return found;
}

test('axe-core: no serious or critical violations on the gallery, editor, a running and a finished run', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, undefined, { closeGallery: false });
  await page.getByTestId('gallery').waitFor();
  assert.deepEqual(await violations(page), [], 'gallery');
  await page.getByTestId('preset-zone-outage').click();
  assert.deepEqual(await violations(page), [], 'editor');
  await page.getByTestId('node-api-a').click();
  assert.deepEqual(await violations(page), [], 'editor, a node selected');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').innerText) > 1);
  assert.deepEqual(await violations(page), [], 'running');
  await page.getByTestId('speed').selectOption('0');
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished', null, { timeout: 120_000 });
  assert.deepEqual(await violations(page), [], 'finished');
  await page.getByTestId('presentation').click();
  assert.deepEqual(await violations(page), [], 'finished, Present mode');
  await page.keyboard.press('Escape');
  assert.deepEqual(await violations(page), [], 'Present mode, nothing selected');
  assert.deepEqual(problems, []);
  await page.close();
});
