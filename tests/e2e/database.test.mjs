// Databases in the page: run the read-replicas scenario, crash the primary
// (instance 0) live, watch writes fail until the failover promotes a
// replica, and read the failover in the event log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, number, simTimeAbove, readScenario, loadDesign, pause } from './harness.mjs';

const env = useBrowser();

test('crash the primary live and see the failover', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const scenario = await readScenario('scenarios/read-replicas.json');
  await loadDesign(page, { ...scenario, faults: [] }, 'db');
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await simTimeAbove(page, 15);
  await pause(page);
  assert.ok(await number(page, 'metric-availability') > 99.9);

  await page.getByTestId('node-db').click();
  assert.match(await page.getByTestId('node-live').innerText(), /of 150 connections busy/);
  assert.match(await page.getByTestId('node-live').innerText(), /replication lag \d+\.\d ms on average/);
  await page.getByTestId('fail-db-0').click();
  await page.waitForFunction(() => /primary \(instance 0\) crashed/.test(document.querySelector('[data-testid=event-log]').innerText));
  assert.match(await page.getByTestId('node-live').innerText(), /1 instance down/);
  await page.getByTestId('run').click();
  // 20 s of failover at 10×: about 2 s of wall time.
  await page.waitForFunction(() => /promoted to primary/.test(document.querySelector('[data-testid=event-log]').innerText), null, { timeout: 15000 });
  await pause(page);
  const log = await page.getByTestId('event-log').innerText();
  assert.match(log, /instance \d promoted to primary: \d+ acknowledged writes lost/);
  // The writes (20% of requests) failed during the failover window.
  const availability = await number(page, 'metric-availability');
  assert.ok(availability < 99, `availability ${availability}%`);
  await screenshot(page, 'database-failover');
  assert.deepEqual(problems, []);
});
