// Caller resilience in the page: the retry-storm scenario stays down after
// its traffic spike; a circuit breaker switched on in the call's inspector
// opens during the spike (the canvas shows it), lets the backlog drain and
// the system recovers. A grey failure injected from the inspector shows on
// the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, number, simTimeAbove, readScenario, loadDesign, pause } from './harness.mjs';

const env = useBrowser();

const centre = async (locator) => {
  const b = await locator.boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};

const logHas = (page, text) =>
  page.waitForFunction((t) => document.querySelector('[data-testid=event-log]').innerText.includes(t), text, { timeout: 30000 });

test('a retry storm outlives its spike until a circuit breaker is switched on', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await loadDesign(page, await readScenario('scenarios/retry-storm.json'), 'inventory');
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await simTimeAbove(page, 90, { timeout: 60000 });
  await pause(page);
  // 50 s after the spike, retries still keep Inventory saturated.
  const stormy = await number(page, 'metric-availability');
  assert.ok(stormy < 50, `availability long after the spike: ${stormy}%`);
  await screenshot(page, 'retry-storm');

  // Select the API → Inventory call and switch its circuit breaker on.
  await page.getByTestId('reset').click();
  await page.mouse.click(...Object.values(await centre(page.getByTestId('edge-api-inventory'))));
  assert.match(await page.getByTestId('inspector').innerText(), /Call · api → inventory/);
  await page.getByTestId('param-enable-circuit-breaker').check();
  await page.getByTestId('param-circuit_breaker.open_s').waitFor();
  await page.getByTestId('run').click();
  // During the spike the breaker opens: the call is drawn open.
  await page.waitForFunction(
    () => document.querySelector('[data-testid=breaker-api-inventory]')?.dataset.state === 'open', null, { timeout: 60000 });
  await screenshot(page, 'breaker-open');
  await logHas(page, 'breaker_closed');
  await simTimeAbove(page, 90, { timeout: 60000 });
  await pause(page);
  const recovered = await number(page, 'metric-availability');
  assert.ok(recovered > 99, `availability after the spike with a breaker: ${recovered}%`);
  assert.equal(await page.getByTestId('breaker-api-inventory').getAttribute('data-state'), 'closed');
  assert.match(await page.getByTestId('event-log').innerText(), /circuit breaker on calls to `inventory` opened: \d+ of \d+ calls failed/);

  // A grey failure: Inventory turns slow, stays up, and says so.
  await page.getByTestId('node-inventory').click();
  await page.getByTestId('slow-inventory').click();
  await logHas(page, 'serves at 10× its service time');
  assert.match(await page.getByTestId('node-live').innerText(), /2 replicas slow or failing \(grey failure\)/);
  assert.match(await page.getByTestId('node-inventory').textContent(), /2 degraded/);
  await page.getByTestId('heal-inventory').click();
  await page.waitForFunction(() => !/degraded/.test(document.querySelector('[data-testid=node-inventory]').textContent));
  // Autoscaling switched on shows its policy's fields.
  await page.getByTestId('reset').click();
  await page.getByTestId('node-inventory').click();
  await page.getByTestId('param-enable-autoscaling').check();
  assert.equal(await page.getByTestId('param-autoscaling.target').inputValue(), '0.6');
  assert.equal(await page.getByTestId('param-autoscaling.metric').inputValue(), 'utilization');
  assert.deepEqual(problems, []);
});
