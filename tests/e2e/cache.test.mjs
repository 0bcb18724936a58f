// Caches in the page: drag one from the palette and edit its policy from a
// choice list; run the cache-aside scenario and read the hit ratio on the
// canvas; crash the cache live and see its items lost in the event log and
// the hit ratio fall; give a pool an exclusive cache with one tick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, simTimeAbove, readScenario, loadDesign, pause } from './harness.mjs';

const env = useBrowser();

const centre = async (locator) => {
  const b = await locator.boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};

const hitPercent = async (page) => {
  const text = await page.getByTestId('node-cache').textContent();
  const m = /hit (\d+)%/.exec(text);
  assert.ok(m, `the cache shows its hit ratio: ${text}`);
  return Number(m[1]);
};

test('add a cache, run cache-aside, crash the cache, add an exclusive cache', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);

  // Drag a cache from the palette onto the canvas and switch it to LFU.
  const canvas = await page.getByTestId('canvas').boundingBox();
  const from = await centre(page.getByTestId('palette-cache'));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(canvas.x + canvas.width * 0.5, canvas.y + canvas.height * 0.8, { steps: 8 });
  await page.mouse.up();
  await page.getByTestId('node-cache-1').click();
  await page.getByTestId('param-eviction').selectOption('lfu');
  assert.equal(await page.getByTestId('param-eviction').inputValue(), 'lfu');
  await page.getByTestId('param-capacity_items').fill('0');
  await page.getByTestId('param-capacity_items').dispatchEvent('change');
  assert.match(await page.getByTestId('inspector').innerText(), /must be 1 to 10000000/);

  // The cache-aside scenario, without its scheduled crash: the test crashes
  // the cache live instead.
  const scenario = await readScenario('scenarios/cache-aside.json');
  await loadDesign(page, { ...scenario, faults: [] }, 'cache');
  await page.getByTestId('speed').selectOption('100');
  await page.getByTestId('run').click();
  await simTimeAbove(page, 60);
  await pause(page);
  // Zipf(1.0) over 20,000 keys, 4,000 items: Che's approximation gives 78%
  // for reads; the cold start and the writes' invalidations cost a little.
  const warm = await hitPercent(page);
  assert.ok(warm >= 65 && warm <= 80, `warm hit ratio ${warm}%`);

  await page.getByTestId('node-cache').click();
  assert.match(await page.getByTestId('node-live').innerText(), /hit ratio \d+\.\d% since the warm-up/);
  const crashedAt = Number(await page.getByTestId('sim-time').innerText());
  assert.ok(crashedAt < 75, `paused at ${crashedAt} s`);
  await page.getByTestId('fail-cache').click();
  await page.waitForFunction(() => /cache crashed: \d+ items lost/.test(document.querySelector('[data-testid=event-log]').innerText));
  assert.match(await page.getByTestId('node-cache').getAttribute('class'), /\bdown\b/);
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await simTimeAbove(page, crashedAt + 25);
  await pause(page);
  // 25 s of misses after 30–45 s of mostly hits (counted from the 30 s
  // warm-up) pull the ratio down.
  const cold = await hitPercent(page);
  assert.ok(cold < warm - 10, `hit ratio ${warm}% → ${cold}% while the cache is down`);
  await screenshot(page, 'cache-crashed');
  await page.getByTestId('recover-cache').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=event-log]').innerText.includes('empty (cold)'));
  // A flush empties it without a crash.
  await page.getByTestId('flush-cache').click();
  await page.waitForFunction(() => /cache flushed: \d+ items dropped/.test(document.querySelector('[data-testid=event-log]').innerText));

  // An exclusive cache per API replica, with one tick.
  await page.getByTestId('node-api').click();
  await page.getByTestId('param-enable-cache').check();
  await page.getByTestId('param-cache.capacity_items').waitFor();
  assert.equal(await page.getByTestId('param-cache.write_policy').inputValue(), 'invalidate');
  await page.getByTestId('param-enable-cache').uncheck();
  assert.equal(await page.getByTestId('param-cache.capacity_items').count(), 0);
  assert.deepEqual(problems, []);
});
