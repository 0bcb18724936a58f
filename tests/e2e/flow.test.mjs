// Requests seen flowing: while a run goes, dots move along each call, as
// many as its rate (the busiest call the most), failures in red; they stand
// still when paused, go when the run ends, and can be switched off (off by
// default in Present mode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, simTimeAbove, pause } from './harness.mjs';

const env = useBrowser();

/** Each flowing edge's dots as the layer says: { 'users-lb': [answered, failed], … }. */
const dots = async (page) => Object.fromEntries(
  (await page.getByTestId('flow-layer').getAttribute('data-dots')).split(';').filter(Boolean)
    .map((d) => d.split(' ')).map(([edge, ok, failed]) => [edge, [Number(ok), Number(failed)]]));
/** The flow layer's pixels: how many are drawn blue and red, and a fingerprint of where. */
const pixels = (page) => page.getByTestId('flow-layer').evaluate((c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let [blue, red, print] = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] < 200) continue;
    if (data[i + 2] > 200 && data[i] < 80) blue++;
    if (data[i] > 180 && data[i + 2] < 80) red++;
    print = (print * 31 + i) % 1000000007;
  }
  return { blue, red, print };
});

test('request flow: density from the calls\' rates, failures in red, paused with the run, switchable', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  assert.deepEqual(await dots(page), {}, 'nothing flows before a run');
  await page.getByTestId('run').click();
  await simTimeAbove(page, 2.5);
  // The starter: 400 req/s through users → lb → web → api, and api calls
  // db with probability 0.8 (320 req/s): 12 dots on the busiest calls,
  // about 0.8 × 12 = 9.6 on api → db (a one-second window's Poisson noise
  // allows 8 to 11), none failed.
  const flow = await dots(page);
  for (const edge of ['users-lb', 'lb-web', 'web-api']) assert.ok(flow[edge][0] >= 11 && flow[edge][1] === 0, `${edge}: ${flow[edge]}`);
  assert.ok(flow['api-db'][0] >= 8 && flow['api-db'][0] <= 11, `api → db: ${flow['api-db']}`);
  // The dots are drawn, blue, and they move.
  const before = await pixels(page);
  assert.ok(before.blue > 100 && before.red === 0, `drawn: ${JSON.stringify(before)}`);
  // They move from frame to frame (sampled for up to 2 s: a loaded
  // machine can skip frames).
  let moved = false;
  for (let k = 0; k < 20 && !moved; k++) {
    await page.waitForTimeout(100);
    moved = (await pixels(page)).print !== before.print;
  }
  assert.ok(moved, 'the dots move');

  // A crashed replica behind the balancer: the calls to it fail until the
  // health checks eject it, drawn in red.
  await page.getByTestId('node-web').click();
  await page.getByTestId('fail-web-0').click();
  await page.waitForFunction(() => / [1-9]\d*$/.test(document.querySelector('[data-testid=flow-layer]').dataset.dots.split(';').find((d) => d.startsWith('lb-web')) ?? ''));
  // Drawn from the next animation frames on (later on a loaded machine).
  let red = 0;
  for (let k = 0; k < 20 && red <= 10; k++) {
    await page.waitForTimeout(100);
    red = (await pixels(page)).red;
  }
  assert.ok(red > 10, 'failed tries drawn red');
  await screenshot(page, 'flow-failures');

  // Paused: the dots stand still.
  await pause(page);
  await page.waitForTimeout(50);
  const paused = await pixels(page);
  await page.waitForTimeout(150);
  assert.equal((await pixels(page)).print, paused.print, 'paused dots stand still');
  assert.ok(paused.blue + paused.red > 100, `and stay drawn: ${JSON.stringify(paused)}`);
  await page.getByTestId('run').click();

  // Switched off, and on again.
  await page.getByTestId('flow-toggle').uncheck();
  assert.deepEqual(await dots(page), {});
  assert.equal((await pixels(page)).blue, 0, 'no dot left drawn');
  await page.getByTestId('flow-toggle').check();
  await page.waitForFunction(() => document.querySelector('[data-testid=flow-layer]')?.dataset.dots);

  // Present mode: off unless switched on.
  await page.getByTestId('reset').click();
  await page.getByTestId('presentation').click();
  await page.getByTestId('run').click();
  await simTimeAbove(page, 1.5);
  assert.equal(await page.getByTestId('flow-toggle').isChecked(), true, 'the choice made stays');
  assert.ok(Object.keys(await dots(page)).length > 0);
  await page.close();
  assert.deepEqual(problems, []);

  const fresh = await openApp(env.browser, env.server.url);
  await fresh.page.getByTestId('presentation').click();
  assert.equal(await fresh.page.getByTestId('flow-toggle').isChecked(), false, 'off in Present mode by default');
  await fresh.page.getByTestId('run').click();
  await simTimeAbove(fresh.page, 1.5);
  assert.deepEqual(await dots(fresh.page), {});
  // Finished: nothing flows.
  await fresh.page.getByTestId('presentation').click();
  await fresh.page.getByTestId('speed').selectOption('0');
  await fresh.page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished');
  assert.deepEqual(await dots(fresh.page), {});
  assert.equal((await pixels(fresh.page)).blue, 0);
  assert.deepEqual(fresh.problems, []);
  await fresh.page.close();
});
