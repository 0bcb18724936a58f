// Failure injection live: crash a replica behind the balancer, watch the
// availability dip until the health checks eject it, read the event log,
// recover it; the run stays the same as the CLI's for scheduled faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, number, simTimeAbove, pause } from './harness.mjs';

const env = useBrowser();

test('crash a replica live, see the dip and the detection, recover it', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  assert.match(await page.getByTestId('event-log').innerText(), /Nothing has happened yet/);
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await simTimeAbove(page, 12);
  await pause(page);
  assert.ok(await number(page, 'metric-availability') > 99.9);

  // Crash replica 0 of `web` (2 replicas behind `lb`): half the requests
  // fail until two failed probes (5 s apart) take it out of rotation.
  await page.getByTestId('node-web').click();
  await page.getByTestId('fail-web-0').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=event-log]').innerText.includes('crash'));
  // One of two replicas down: the node keeps the colour of ρ over the
  // replica in service, with a dashed outline; the inspector counts the
  // crashed replica's workers apart (web: 2 × 32 workers).
  const heat = await page.getByTestId('node-web').getAttribute('class');
  assert.match(heat, /\bpartly-down\b/);
  assert.match(heat, /\b(cool|warm|hot)\b/);
  assert.match(await page.getByTestId('node-web').textContent(), /1 down/);
  assert.match(await page.getByTestId('node-live').innerText(), /of 32 workers busy \(ρ \d+%; 32 more down\)/);
  await page.getByTestId('run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=event-log]').innerText.includes('unhealthy'));
  await pause(page);
  // The balancer shows the replica it took out of rotation.
  assert.match(await page.getByTestId('node-lb').textContent(), /1 ejected/);
  const availability = await number(page, 'metric-availability');
  assert.ok(availability < 99, `availability dipped: ${availability}%`);
  const log = await page.getByTestId('event-log').innerText();
  const time = (what) => Number(new RegExp(`([\\d.]+) s\\s+\\S+\\s+${what}`).exec(log)[1]);
  const [crashed, ejected] = [time('crash'), time('unhealthy')];
  // Probes every 5 s from 0, ejected at the second failed one.
  assert.ok(ejected - crashed > 5 && ejected - crashed <= 10, `crash at ${crashed} s, ejected at ${ejected} s`);
  assert.equal(ejected % 5, 0, 'ejected at a probe');
  await screenshot(page, 'fault-detected');

  await page.getByTestId('recover-web').click();
  await page.getByTestId('run').click();
  await page.waitForFunction(() => /healthy[\s\S]*back in rotation/.test(document.querySelector('[data-testid=event-log]').innerText));
  await pause(page);
  assert.doesNotMatch(await page.getByTestId('node-web').getAttribute('class'), /\bdown\b/);
  const after = await page.getByTestId('event-log').innerText();
  for (const what of ['crash', 'unhealthy', 'recover', 'healthy']) assert.match(after, new RegExp(`\\b${what}\\b`));
  // Users cannot be crashed, but their traffic can spike.
  await page.getByTestId('node-users').click();
  assert.equal(await page.getByTestId('fail-users').count(), 0);
  await page.getByTestId('spike-users').click();
  await page.waitForFunction(() => /traffic × 5/.test(document.querySelector('[data-testid=event-log]').innerText));
  await page.getByTestId('calm-users').click();
  await page.waitForFunction(() => /traffic back to normal/.test(document.querySelector('[data-testid=event-log]').innerText));
  await screenshot(page, 'fault-recovered');
  assert.deepEqual(problems, []);
});
