// Message queues in the page: the consumer-lag scenario shows its lag
// growing on the canvas; a consumer crashes live and the group rebalances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, simTimeAbove, readScenario, loadDesign, pause } from './harness.mjs';

const env = useBrowser();

// The selected queue's consumer lag, from the inspector's live line (the
// canvas shows it rounded, e.g. "lag 3.7k").
const lag = async (page) => {
  const text = await page.getByTestId('node-live').innerText();
  const m = /(\d+) messages of lag/.exec(text);
  assert.ok(m, `the queue shows its consumer lag: ${text}`);
  return Number(m[1]);
};

test('consumer lag grows; a consumer crash triggers a rebalance', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await loadDesign(page, await readScenario('scenarios/consumer-lag.json'), 'orders');
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await simTimeAbove(page, 12);
  await pause(page);
  await page.getByTestId('node-orders').click();
  assert.match(await page.getByTestId('node-live').innerText(), /of 3 consumers busy \(ρ \d+%\), \d+ messages of lag/);
  assert.match(await page.getByTestId('node-orders').textContent(), /lag \d+(\.\d)?k?/);
  const early = await lag(page);
  await page.getByTestId('fail-orders-0').click();
  await page.waitForFunction(() => /consumer 0 crashed/.test(document.querySelector('[data-testid=event-log]').innerText));
  await page.getByTestId('run').click();
  // The rebalance comes 10 s of simulated time later.
  await page.waitForFunction(() => /partitions reassigned over 2 consumers/.test(document.querySelector('[data-testid=event-log]').innerText), null, { timeout: 15000 });
  await pause(page);
  // About 120 more events per second (more with a consumer down).
  const later = await lag(page);
  assert.ok(later > early + 1000, `lag ${early} → ${later}`);
  // Stopping the consumers (a paused deployment) shows in the event log.
  await page.getByTestId('stop-orders').click();
  await page.waitForFunction(() => /consumer 0 stopped taking messages/.test(document.querySelector('[data-testid=event-log]').innerText));
  await page.getByTestId('start-orders').click();
  await page.waitForFunction(() => /consumer 0 started taking messages/.test(document.querySelector('[data-testid=event-log]').innerText));
  await screenshot(page, 'queue-lag');
  assert.deepEqual(problems, []);
});
