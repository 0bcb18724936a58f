// Smoke test: the shell renders in Chromium at common window sizes, and
// every shipped scenario opens, steps and shows each node in the inspector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, readScenario, loadDesign } from './harness.mjs';

const env = useBrowser();

const box = (page, selector) => page.locator(selector).boundingBox();

for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
  test(`shell at ${viewport.width}x${viewport.height}: panels laid out, no errors`, async () => {
    const { page, problems } = await openApp(env.browser, env.server.url, viewport);
    for (const sel of ['.header', '.palette', '[data-testid=canvas]', '[data-testid=inspector]', '.run-panel']) {
      assert.ok(await page.locator(sel).isVisible(), `${sel} is visible`);
    }
    assert.match(await page.locator('.header').innerText(), /ArchSim/);
    for (const kind of ['client', 'load_balancer', 'service']) {
      assert.ok(await page.getByTestId(`palette-${kind}`).isVisible(), `palette-${kind} is visible`);
    }

    // Layout: palette | canvas | inspector side by side, run panel below the canvas,
    // nothing overflowing the window, the canvas the largest area.
    const [pal, canvas, insp, run] = await Promise.all(
      ['.palette', '[data-testid=canvas]', '[data-testid=inspector]', '.run-panel'].map((s) => box(page, s)),
    );
    assert.ok(pal.x + pal.width <= canvas.x + 1, 'palette left of canvas');
    assert.ok(canvas.x + canvas.width <= insp.x + 1, 'inspector right of canvas');
    assert.ok(canvas.y + canvas.height <= run.y + 1, 'run panel below canvas');
    assert.ok(run.y + run.height <= viewport.height + 1, 'run panel inside the window');
    assert.ok(insp.x + insp.width <= viewport.width + 1, 'inspector inside the window');
    assert.ok(canvas.width >= viewport.width * 0.5, `canvas is at least half the width (${canvas.width})`);
    assert.ok(canvas.height >= viewport.height * 0.4, `canvas is at least 40% of the height (${canvas.height})`);

    await screenshot(page, `shell-${viewport.width}x${viewport.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('every shipped scenario opens, steps and shows every node in the inspector', async () => {
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(new URL('../../scenarios', import.meta.url))).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4, files.join(', '));
  const { page, problems } = await openApp(env.browser, env.server.url);
  for (const file of files) {
    const scenario = await readScenario(`scenarios/${file}`);
    await loadDesign(page, scenario, scenario.nodes[0].id);
    for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
    for (const node of scenario.nodes) {
      await page.getByTestId(`node-${node.id}`).click();
      await page.getByTestId('param-label').waitFor();
    }
    assert.deepEqual(problems, [], file);
  }
});
