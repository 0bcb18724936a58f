// The API gateway kind in the page: from the palette, its inspector drawn
// from the model's annotations, the shipped design run, a live crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, readScenario, loadDesign, simTimeAbove, pause } from './harness.mjs';

const env = useBrowser();

test('an API gateway: dropped from the palette, edited, run and crashed', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const item = await page.getByTestId('palette-api_gateway').boundingBox();
  const canvas = await page.getByTestId('canvas').boundingBox();
  await page.mouse.move(item.x + item.width / 2, item.y + item.height / 2);
  await page.mouse.down();
  await page.mouse.move(canvas.x + canvas.width * 0.5, canvas.y + canvas.height * 0.7, { steps: 8 });
  await page.mouse.up();
  await page.getByTestId('node-gateway-1').click();
  // The form comes from the annotations: unit, help, the optional limit.
  const workers = page.getByTestId('param-workers');
  assert.equal(await workers.inputValue(), '16');
  const field = page.locator('label.field', { has: workers });
  assert.match(await field.innerText(), /workers/);
  assert.match(await field.innerText(), /Requests the gateway authenticates at once/);
  await page.getByTestId('param-enable-client-limit').check();
  await page.getByTestId('param-client_limit.rate_rps').waitFor();
  await workers.fill('0');
  await workers.press('Enter');
  assert.match(await field.innerText(), /must be 1 to 10000/);

  const design = await readScenario('scenarios/designs/api-gateway.json');
  await loadDesign(page, design, 'gateway');
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await simTimeAbove(page, 20);
  await pause(page);
  assert.match(await page.getByTestId('node-gateway').textContent(), /ρ \d+%/);
  await page.getByTestId('node-gateway').click();
  await page.getByTestId('fail-gateway').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=event-log]').innerText.includes('gateway crashed'));
  assert.match(await page.getByTestId('node-gateway').textContent(), /down/);
  await screenshot(page, 'api-gateway');
  assert.deepEqual(problems, []);
});
