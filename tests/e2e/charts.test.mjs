// Charts of a run: latency percentiles, throughput and availability fill in
// as the run goes, the latency CDF follows its end, the previous run stays
// as a faint overlay after Reset (until another design opens), and the
// series and charts export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, ink, download, loadDesign, number } from './harness.mjs';

const env = useBrowser();

// Line colours of the charts (src/ui/run/charts.rs), and the previous run's
// red (p99) mixed at 30% over white.
const RED = [194, 59, 59];
const AMBER = [201, 138, 18];
const BLUE = [31, 111, 235];
const GREEN = [61, 154, 87];
const FAINT_RED = [237, 196, 196];

test('charts draw a run, keep the previous one for comparison (not into another design), and export', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // Before a run the charts show axes only.
  assert.equal(await ink(page, 'latency', RED), 0);
  // A design without objectives is read against its SLO.
  const budgetLabel = page.locator('.readout', { has: page.getByTestId('metric-error-budget') }).locator('.readout-label');
  assert.equal(await budgetLabel.innerText(), 'Error budget left (SLO 99.9%)');
  assert.equal(await page.getByTestId('chart-cdf').count(), 0, 'no CDF before a run');

  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished');
  for (const [chart, colour, what] of [['latency', RED, 'p99'], ['latency', AMBER, 'p95'], ['latency', BLUE, 'p50'],
    ['throughput', GREEN, 'completed'], ['availability', BLUE, 'availability']]) {
    const n = await ink(page, chart, colour);
    assert.ok(n > 100, `${what} line drawn on chart-${chart}: ${n} pixels`);
  }
  await screenshot(page, 'charts-finished');
  // The CDF, in its own tab.
  await page.getByRole('tab', { name: 'Latency CDF' }).click();
  await page.getByTestId('chart-cdf').waitFor();
  assert.ok(await ink(page, 'cdf', BLUE) > 100, 'CDF drawn');
  await page.getByRole('tab', { name: 'Over time' }).click();

  // The series as CSV: one row per 1 s interval of the 120 s run, and the
  // offered rate is the scenario's 400 req/s (Poisson: the mean of 120
  // one-second counts is within 400 ± 3·√(400/120)).
  const csv = await download(page, 'export-csv');
  assert.equal(csv.name, 'archsim-series.csv');
  const [header, ...rows] = csv.bytes.toString('utf8').trim().split('\n');
  assert.equal(header, 'start_s,end_s,offered_rps,completed_rps,errors_rps,availability,p50_ms,p95_ms,p99_ms');
  assert.equal(rows.length, 120);
  const offered = rows.map((r) => Number(r.split(',')[2]));
  const mean = offered.reduce((a, b) => a + b, 0) / offered.length;
  assert.ok(Math.abs(mean - 400) < 3 * Math.sqrt(400 / 120), `mean offered ${mean} req/s`);
  const png = await download(page, 'export-png-latency');
  assert.equal(png.name, 'archsim-latency.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // A stricter SLO (p99 ≤ 50 ms, below the measured ~120 ms) marks the p99
  // readout as breaching, without a restart.
  await page.getByTestId('param-slo.latency_p99_ms').fill('50');
  await page.getByTestId('param-slo.latency_p99_ms').press('Enter');
  await page.locator('.readout.breach [data-testid=metric-p99]').waitFor();
  // Under the figures, the target is drawn on the latency chart.
  assert.match(await page.locator('.chart', { has: page.getByTestId('chart-latency') }).innerText(), /SLO/);

  // Reset: the finished run becomes the faint overlay behind the next.
  await page.getByTestId('reset').click();
  await page.waitForFunction(() => document.querySelector('.legend').innerText.includes('previous'));
  assert.equal(await ink(page, 'latency', RED), 0, 'no current run drawn');
  assert.ok(await ink(page, 'latency', FAINT_RED) > 100, 'previous p99 drawn faintly');
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').innerText) > 20);
  assert.ok(await ink(page, 'latency', RED) > 20, 'the new run is drawn over the previous one');
  assert.ok(await ink(page, 'latency', FAINT_RED) > 20, 'the previous run is still drawn');
  await screenshot(page, 'charts-compare');

  // Another design opened: neither run of this one is drawn over it.
  await page.getByTestId('new-design').click();
  await page.waitForFunction(() => !document.querySelector('.legend').innerText.includes('previous'));
  assert.equal(await ink(page, 'latency', FAINT_RED), 0, 'no previous run drawn for another design');
  assert.equal(await ink(page, 'latency', RED), 0, 'no run drawn for another design');
  assert.deepEqual(problems, []);
});

test('an overspent error budget shows its true size: Erlang B\'s loss against the SLO', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // Poisson arrivals at 1,000 req/s into 5 workers of exponential service
  // (mean 4 ms) and no queue: an Erlang loss system with a = 4 erlangs,
  // which refuses B(5, 4) = (4⁵/5!) / Σₖ₌₀⁵ 4ᵏ/k! = 0.19907 of the requests.
  // Against an SLO of 99.9 %, the budget left is 1 − 0.19907 / 0.001:
  // −19,807 %, far below the −999 % the readout used to stop at.
  await loadDesign(page, {
    version: 3,
    title: 'Erlang loss',
    settings: { duration_s: 120, warmup_s: 10 },
    nodes: [
      { id: 'users', kind: 'client', pos: { x: 80, y: 200 },
        params: { arrivals: { model: 'open', rate: { shape: 'constant', rps: 1000 } } } },
      { id: 'pool', kind: 'service', pos: { x: 380, y: 200 },
        params: { replicas: 1, workers: 5, queue_capacity: 0, service_time: { dist: 'exponential', mean_ms: 4 } } },
    ],
    edges: [{ from: 'users', to: 'pool' }],
  }, 'pool');
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished');
  const left = await number(page, 'metric-error-budget');
  const erlangB = (c, a) => {
    let b = 1;
    for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
    return b;
  };
  const expected = (1 - erlangB(5, 4) / 0.001) * 100;
  assert.ok(Math.abs(expected + 19807) < 1, `Erlang B: ${expected}`);
  // 110 s of 1,000 req/s: the measured loss is within a few % of B.
  assert.ok(Math.abs(left - expected) < 0.05 * Math.abs(expected), `budget left ${left} %, theory ${expected.toFixed(0)} %`);
  assert.deepEqual(problems, []);
  await page.close();
});
