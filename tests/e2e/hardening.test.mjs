// Designs that used to crash, hang or mislead the page: a run over its
// memory budget stops with the reason and keeps the design; a run where
// nothing completes shows no availability and no p99 instead of 100 % and
// 0 ms; a balancer cannot be wired to a database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, loadDesign } from './harness.mjs';

const env = useBrowser();

const design = (rps, serviceMs, queue, limits) => ({
  version: 2,
  title: 'Hardening',
  settings: { duration_s: 600, warmup_s: 0, ...(limits ? { limits } : {}) },
  nodes: [
    { id: 'users', kind: 'client', pos: { x: 80, y: 200 },
      params: { arrivals: { model: 'open', rate: { shape: 'constant', rps } }, timeout_ms: 3600000 } },
    { id: 'slow', kind: 'service', pos: { x: 380, y: 200 },
      params: { replicas: 1, workers: 1, queue_capacity: queue, service_time: { dist: 'constant', ms: serviceMs } } },
  ],
  edges: [{ from: 'users', to: 'slow' }],
});

test('a run over its memory budget stops with the reason and keeps the design', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await loadDesign(page, design(10000, 1000, 1000000), 'slow');
  // The budget is set in the run settings (nothing selected).
  // Whole numbers show without a decimal point (2e7, not 20000000.0).
  assert.equal(await page.getByTestId('param-limits.max_memory_mb').inputValue(), '1000');
  assert.equal(await page.getByTestId('param-limits.max_events_per_s').inputValue(), '20000000');
  assert.equal(await page.getByTestId('param-duration_s').inputValue(), '600');
  await page.getByTestId('param-limits.max_memory_mb').fill('5');
  await page.getByTestId('param-limits.max_memory_mb').press('Enter');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('archsim.scenario')).settings.limits?.max_memory_mb === 5);
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  // Warned before the run, stopped during it, with the reason.
  await page.getByText(/Warning: \$\.nodes\[1\]\.params: may need 160 MB/).waitFor();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished', null, { timeout: 60_000 });
  assert.match(await page.getByTestId('error-banner').innerText(), /The run stopped at [\d.]+ s: the run's state took \d+ MB, over its budget of 5 MB/);
  assert.ok(Number(await page.getByTestId('sim-time').innerText()) < 60);
  // The design is intact and still editable.
  assert.ok(await page.getByTestId('node-users').isVisible());
  assert.ok(await page.getByTestId('node-slow').isVisible());
  await screenshot(page, 'run-stopped-by-memory-budget');
  assert.deepEqual(problems, []);
});

test('nothing completed reads as no figure, not 100 % and 0 ms', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // One worker at one hour per request: no request ends within the run.
  await loadDesign(page, design(20, 3600000, 100000), 'slow');
  await page.getByTestId('speed').selectOption('100');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').innerText) > 20);
  assert.equal(await page.getByTestId('metric-availability').innerText(), '—');
  assert.equal(await page.getByTestId('metric-p99').innerText(), '—');
  assert.match(await page.locator('.readout-why').first().innerText(), /no request ended in the last 10 s/);
  await screenshot(page, 'nothing-completed');
  assert.deepEqual(problems, []);
});

test('a load balancer cannot be wired to a database', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const centre = async (locator) => {
    const b = await locator.boundingBox();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const drag = async (from, to) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
  };
  // A database dropped under the starter design's balancer `lb`.
  const ids = async () => page.locator('[data-testid^=node-]').evaluateAll((els) => els.map((e) => e.dataset.testid));
  const before = await ids();
  const lb = await centre(page.getByTestId('node-lb'));
  await drag(await centre(page.getByTestId('palette-database')), { x: lb.x, y: lb.y + 120 });
  const added = (await ids()).filter((id) => !before.includes(id));
  assert.equal(added.length, 1, `one node dropped: ${added}`);
  const db = added[0].slice('node-'.length);
  await drag(await centre(page.getByTestId('port-out-lb')), await centre(page.getByTestId(`node-${db}`)));
  assert.match(await page.getByTestId('error-banner').innerText(), /a load balancer forwards to service pools, caches or CDN edges/);
  assert.equal(await page.getByTestId(`edge-lb-${db}`).count(), 0);
  await screenshot(page, 'balancer-to-database-refused');
  assert.deepEqual(problems, []);
});
