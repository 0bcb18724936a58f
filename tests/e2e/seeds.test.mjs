// Run ×N seeds: the design run with several seeds at once on background
// workers while the page only draws; each seed is the run `archsim run
// --seed` makes, the report's confidence intervals follow from the seeds'
// reports, the charts draw each figure's mean with its band, and each
// objective says in how many seeds it passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, openApp, loadDesign, readScenario, screenshot, ink, download, number, rolesStarted } from './harness.mjs';

const env = useBrowser();
const ROOT = new URL('../..', import.meta.url).pathname;

// t(0.975, 7): the 95 % two-sided Student t quantile for 8 seeds (NIST/
// SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2).
const T_7 = 2.365;
// The p99 line's red (src/ui/run/charts.rs) at 18 % over white: its band.
const BAND_RED = [244, 220, 220];

/** `archsim run <scenario> --seed <seed>`'s report. */
async function cliReport(scenario, seed) {
  const { stdout } = await promisify(execFile)('cargo',
    ['run', '--quiet', '--bin', 'archsim', '--', 'run', scenario, '--seed', String(seed)],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(stdout);
}

/** Mean and 95 % half-width of `xs`, computed here from the t table. */
function interval(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, half_width: T_7 * s / Math.sqrt(xs.length) };
}

test('Run ×8 seeds: workers run them, frames stay short, each seed equals archsim run --seed, the intervals follow from the seeds', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const file = 'scenarios/single-server.json';
  const scenario = await readScenario(file);
  await loadDesign(page, scenario, 'app');
  await page.evaluate(() => {
    window.frames_ = [];
    const tick = (t) => { window.frames_.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const started = await page.evaluate(() => performance.now());
  const roles = rolesStarted(page);
  await page.getByTestId('seeds-count').selectOption('8');
  await page.getByTestId('run-seeds').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'seeds finished',
    null, { timeout: 120_000 });
  const ended = await page.evaluate(() => performance.now());
  assert.ok((await roles()).includes('pool'), 'the seeds ran on background workers');
  // The page only drew: no frame took over 50 ms while the seeds ran.
  const frames = await page.evaluate(([a, b]) => window.frames_.filter((t) => t >= a && t <= b), [started, ended]);
  const longest = Math.max(...frames.slice(1).map((t, i) => t - frames[i]));
  assert.ok(frames.length > 5 && longest <= 50, `${frames.length} frames, the longest ${longest.toFixed(1)} ms`);
  await screenshot(page, 'seeds-finished');

  // Each seed's run is the CLI's run with that seed, bit for bit.
  const seeds = [...Array(8).keys()].map((k) => scenario.settings.seed + k);
  const reports = await Promise.all(seeds.map((seed) => cliReport(file, seed)));
  assert.deepEqual(await page.getByTestId('seed-digest').allInnerTexts(), reports.map((r) => r.digest));

  // The report's intervals, against the t table applied to the CLI's runs.
  const { name, bytes } = await download(page, 'export-seeds-report');
  assert.equal(name, 'archsim-seeds.json');
  const summary = JSON.parse(bytes.toString('utf8'));
  assert.deepEqual(summary.seeds, seeds);
  assert.equal(summary.replications, 8);
  for (const [figure, value] of [['throughput_rps', (r) => r.throughput_rps], ['availability', (r) => r.availability],
    ['latency_ms.p99', (r) => r.latency_ms.p99], ['nodes.app.utilization', (r) => r.nodes.app.utilization]]) {
    const got = figure.split('.').reduce((v, k) => v[k], summary);
    const want = interval(reports.map(value));
    assert.ok(Math.abs(got.mean - want.mean) <= 1e-9 * Math.abs(want.mean), `${figure} mean ${got.mean} vs ${want.mean}`);
    assert.ok(want.half_width > 0 && Math.abs(got.half_width / want.half_width - 1) < 1e-3,
      `${figure} half-width ${got.half_width} vs ${want.half_width}`);
  }
  // The readouts show the means with their intervals.
  const p99 = interval(reports.map((r) => r.latency_ms.p99));
  assert.equal(await number(page, 'metric-p99'), Number(p99.mean.toFixed(1)));
  assert.equal(await page.getByTestId('metric-p99-note').innerText(), `± ${p99.half_width.toFixed(1)} (95 % CI)`);

  // The p99 band is drawn around its mean.
  const band = await ink(page, 'latency', BAND_RED);
  assert.ok(band > 200, `p99 band drawn: ${band} pixels`);
  // The fault script's events, the same in every seed (app slow at 100 s,
  // healed at 105 s), are marked: green dashed lines, the only green on
  // the latency chart.
  const marks = await ink(page, 'latency', [61, 154, 87]);
  assert.ok(marks > 20, `the fault script's markers drawn: ${marks} pixels`);

  // Availability ≥ 99.9 % (after the warm-up, the report's window) passes
  // in as many seeds as the CLI's reports meet it.
  const passing = reports.filter((r) => r.availability >= 0.999).length;
  const objective = page.getByTestId('objective-0');
  assert.match(await objective.innerText(), new RegExp(`passes in ${passing} of 8 seeds`));
  assert.equal(await objective.getAttribute('data-status'), passing === 8 ? 'pass' : 'fail');

  // A single run leaves the seeds behind; so does an edit.
  await page.getByTestId('step').click();
  assert.equal(await page.getByTestId('seed-digest').count(), 0);
  // The step's readouts come back from the run's worker.
  await page.waitForFunction(() => document.querySelector('[data-testid=sim-time]').innerText === '0.1');
  await page.getByTestId('reset').click();
  await page.getByTestId('seeds-count').selectOption('4');
  await page.getByTestId('run-seeds').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'seeds finished');
  assert.equal(await page.getByTestId('seed-digest').count(), 4);
  await page.getByTestId('seed').fill('100');
  await page.getByTestId('seed').press('Enter');
  assert.equal(await page.getByTestId('seed-digest').count(), 0, 'the seeds of another seed are forgotten');
  assert.deepEqual(problems, []);
});

test('Run ×N seeds of a design that cannot run says why and keeps the design', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const scenario = await readScenario('scenarios/single-server.json');
  // A client calling a node that is not there.
  scenario.edges.push({ from: 'users', to: 'nowhere' });
  await loadDesign(page, scenario, 'app');
  await page.getByTestId('run-seeds').click();
  await page.getByTestId('error-banner').waitFor();
  assert.match(await page.getByTestId('error-banner').innerText(), /nowhere/);
  assert.equal(await page.getByTestId('node-app').count(), 1);
  assert.deepEqual(problems, []);
});

/**
 * In the Capacity tab: sweeps `param` (the tab's default if none) from
 * `from` to `to` with 4 seeds each, and waits for the curve.
 */
async function runCurve(page, param, from, to) {
  await page.getByTestId('chart-tab-capacity').click();
  if (param) await page.getByTestId('capacity-param').selectOption(param);
  for (const [id, value] of [['capacity-from', from], ['capacity-to', to]]) {
    await page.getByTestId(id).fill(value);
    await page.getByTestId(id).press('Enter');
  }
  await page.getByTestId('seeds-count').selectOption('4');
  await page.getByTestId('capacity-run').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'curve finished',
    null, { timeout: 120_000 });
}

/**
 * Checks that the page's curve CSV is `archsim sweep FILE --param PARAM
 * --from FROM --to TO --steps 8 --reps 4`'s, number for number, with
 * `lines` lines (the header and a row per value); returns the CLI's CSV.
 */
async function sameCurveAsCli(page, file, param, from, to, lines) {
  const { name, bytes } = await download(page, 'capacity-csv');
  assert.equal(name, 'archsim-capacity.csv');
  const { stdout } = await promisify(execFile)('cargo', ['run', '--quiet', '--bin', 'archsim', '--', 'sweep', file,
    '--param', param, '--from', from, '--to', to, '--steps', '8', '--reps', '4'],
  { cwd: ROOT, encoding: 'utf8' });
  // Number for number: the page reads each seed's report back from JSON
  // text, which serde_json parses to within the last bit (its exact
  // float_roundtrip parsing costs 8.7 KB gzip of page).
  const rows = (csv) => csv.trim().split('\n').map((line) => line.split(','));
  const [page_, cli] = [rows(bytes.toString('utf8')), rows(stdout)];
  assert.deepEqual(page_[0], cli[0]);
  assert.equal(page_.length, lines);
  page_.slice(1).forEach((row, r) => row.forEach((cell, c) => {
    const want = cli[r + 1][c];
    assert.ok(cell === want || Math.abs(cell / want - 1) < 1e-12, `row ${r + 1}, ${cli[0][c]}: ${cell} vs ${want}`);
  }));
  return stdout;
}

test('a capacity curve runs 8 rates on workers: its CSV is archsim sweep\'s, its charts draw bands and the M/M/c theory', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const file = 'tests/data/mm4.json';
  await loadDesign(page, await readScenario(file), 's');
  await runCurve(page, null, '2000', '3600');
  // The same curve as the CLI's, number for number (ρ 0.5 to 0.9 of an
  // M/M/4; tests/it/cli.rs checks such a curve against Erlang C).
  const stdout = await sameCurveAsCli(page, file, 'users.arrivals.rate.rps', '2000', '3600', 9);
  assert.ok(stdout.split('\n')[1].split(',').at(-1) !== '', 'the closed forms are in the curve');
  // Bands around the means, and the theory line in the legend.
  const band = await ink(page, 'capacity-latency', BAND_RED);
  assert.ok(band > 100, `p99 band drawn: ${band} pixels`);
  const latency = await page.locator('.chart', { has: page.getByTestId('chart-capacity-latency') }).innerText();
  assert.match(latency, /p99, M\/M\/c theory/);
  // The 200 ms SLO, far above a p99 of a few ms, would flatten the curve:
  // it is left out until the figures come near it.
  assert.doesNotMatch(latency, /SLO/);
  await screenshot(page, 'capacity-curve');
  assert.deepEqual(problems, []);
});

test('a capacity curve can sweep the workers of a pool: whole values, no offered line, the CLI\'s numbers', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const file = 'tests/data/mm4.json';
  await loadDesign(page, await readScenario(file), 's');
  await page.getByTestId('chart-tab-capacity').click();
  await page.getByTestId('capacity-param').selectOption('s.workers');
  // The range starts at half to twice the design's 4 workers.
  assert.equal(await page.getByTestId('capacity-from').inputValue(), '2');
  assert.equal(await page.getByTestId('capacity-to').inputValue(), '8');
  await runCurve(page, 's.workers', '2', '6');
  // 2, 3, 4, 5 and 6 workers, each once.
  await sameCurveAsCli(page, file, 's.workers', '2', '6', 6);
  // Against workers there is no offered rate to draw, and the axis says threads.
  const throughput = page.locator('.chart', { has: page.getByTestId('chart-capacity-throughput') });
  assert.doesNotMatch(await throughput.innerText(), /offered/);
  assert.match(await page.locator('.chart', { has: page.getByTestId('chart-capacity-latency') }).innerText(),
    /p99, M\/M\/c theory/);
  await screenshot(page, 'capacity-workers');
  // A value the design refuses is named before anything runs, and the
  // curve drawn stays.
  await page.getByTestId('capacity-from').fill('0');
  await page.getByTestId('capacity-from').press('Enter');
  await page.getByTestId('capacity-run').click();
  await page.getByTestId('error-banner').waitFor();
  assert.match(await page.getByTestId('error-banner').innerText(), /s\.workers = 0: .*workers/);
  assert.equal(await page.getByTestId('node-s').count(), 1);
  assert.equal(await page.getByTestId('capacity-csv').isEnabled(), true);
  assert.deepEqual(problems, []);
});

test('a curve of a pool\'s room draws the availability M/M/c/K predicts, as archsim sweep computes it', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // λ = 3,600 req/s into 4 workers of μ = 1,000 req/s (ρ 0.9), 0 to 20 places.
  const scenario = await readScenario('tests/data/mm4.json');
  scenario.nodes[0].params.arrivals.rate.rps = 3600;
  const file = join(await mkdtemp(join(tmpdir(), 'archsim-')), 'mm4-room.json');
  await writeFile(file, JSON.stringify(scenario));
  await loadDesign(page, scenario, 's');
  await runCurve(page, 's.queue_capacity', '0', '20');
  // 0, 3, 6, 9, 11, 14, 17 and 20 places (rounded), each an M/M/4/K whose
  // loss tests/it/cli.rs checks against the birth–death chain.
  const stdout = await sameCurveAsCli(page, file, 's.queue_capacity', '0', '20', 9);
  const [header, first] = stdout.split('\n').map((line) => line.split(','));
  assert.ok(Number(first[header.indexOf('theory_loss')]) > 0.1, 'no room: a tenth of the requests and more refused');
  assert.match(await page.locator('.chart', { has: page.getByTestId('chart-capacity-availability') }).innerText(),
    /availability, M\/M\/c\/K theory/);
  await screenshot(page, 'capacity-room');
  assert.deepEqual(problems, []);
});
