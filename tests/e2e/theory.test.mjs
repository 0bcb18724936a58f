// Theory beside the simulation: a service pool that is an M/M/c, M/M/c/K
// or M/G/1 queue in its design shows ρ, the loss of a room that fills, the
// mean wait (Erlang C, the birth–death chain or Pollaczek–Khinchine) and
// for M/M/c the p99 response time; called with retries under an error
// rate, its tries per call and calls failed; a cache its LRU hit ratio
// (Che's approximation); a queue its consumer group's busy share and lag
// growth (flow balance, round robin or by key hash). Beside them, what the
// run measures; any other design says why it has no closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, openApp, loadDesign, readScenario } from './harness.mjs';

const env = useBrowser();

/** `archsim run FILE`'s report. */
function cliRun(file) {
  return JSON.parse(execFileSync('cargo', ['run', '--quiet', '--bin', 'archsim', '--', 'run', file],
    { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' }));
}

/** Runs the design in the page to its end, at full speed. */
async function runToEnd(page) {
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished');
}

/**
 * Types `value` into the inspector's field `param`, commits it, and waits
 * for the theory line to mention `word`; returns the line's text.
 */
async function editUntil(page, param, value, word) {
  const field = page.getByTestId(`param-${param}`);
  await field.fill(value);
  await field.press('Enter');
  await page.waitForFunction((w) => document.querySelector('[data-testid=node-theory]').innerText.includes(w), word);
  return page.getByTestId('node-theory').innerText();
}

/** The numbers of a text, in order ("ρ 87.5%, lag grows 200 msg/s" → [87.5, 200]). */
const numbers = (text) => [...text.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));

test('an M/M/1 pool shows its closed forms beside the measured wait; two replicas have none, and say why', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // λ = 800 req/s into one worker of μ = 1,000 req/s.
  const scenario = await readScenario('tests/data/mm4.json');
  scenario.nodes[0].params.arrivals.rate.rps = 800;
  scenario.nodes[1].params.workers = 1;
  await loadDesign(page, scenario, 's');
  await page.getByTestId('node-s').click();
  // M/M/1 (Kleinrock, Queueing Systems, Vol. 1, §3.2): ρ = λ/μ = 0.8,
  // W_q = ρ/(μ − λ) = 4 ms, and the response time is exponential with
  // rate μ − λ = 200/s: p99 = ln(100)/200 s = 23.0 ms.
  const theory = page.getByTestId('node-theory');
  assert.equal(await theory.innerText(),
    'Theory, M/M/1 (Erlang C): ρ 80.0%, mean wait W_q 4.000 ms, p99 response 23.0 ms');

  // After a run, the wait the run measured, the same as the CLI's report.
  await runToEnd(page);
  const file = join(await mkdtemp(join(tmpdir(), 'archsim-')), 'mm1.json');
  await writeFile(file, JSON.stringify(scenario));
  const cli = cliRun(file);
  assert.equal(await page.getByTestId('node-measured').innerText(),
    `; measured ρ ${(cli.nodes.s.utilization * 100).toFixed(1)}%, mean wait W_q ${cli.nodes.s.mean_wait_ms.toFixed(3)} ms since the warm-up`);

  // Two replicas behind the pool's balancing: no closed form.
  await page.getByTestId('reset').click();
  assert.equal(await editUntil(page, 'replicas', '2', 'replicas'),
    "Theory: 2 replicas behind the pool's balancing: no closed form");
  assert.deepEqual(problems, []);
});

test('a one-worker pool with constant service times is M/D/1, its wait by Pollaczek–Khinchine', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const scenario = await readScenario('tests/data/mm4.json');
  scenario.nodes[0].params.arrivals.rate.rps = 800;
  scenario.nodes[1].params.workers = 1;
  scenario.nodes[1].params.service_time = { dist: 'constant', ms: 1 };
  await loadDesign(page, scenario, 's');
  await page.getByTestId('node-s').click();
  // M/D/1 (Kleinrock, §5.6): W_q = λE[S²] / 2(1 − ρ) = 800/s · (1 ms)² /
  // 0.4 = 2 ms, half the M/M/1 wait; no closed form for its p99.
  assert.equal(await page.getByTestId('node-theory').innerText(),
    'Theory, M/D/1 (Pollaczek–Khinchine): ρ 80.0%, mean wait W_q 2.000 ms');
  assert.deepEqual(problems, []);
});

test('a room that fills is M/M/c/K: its loss and wait by the birth–death chain, beside the run', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // λ = 3,600 req/s into 4 workers of μ = 1,000 req/s and 10 places.
  const scenario = await readScenario('tests/data/mm4.json');
  scenario.nodes[0].params.arrivals.rate.rps = 3600;
  scenario.nodes[1].params.queue_capacity = 10;
  await loadDesign(page, scenario, 's');
  await page.getByTestId('node-s').click();
  // Kleinrock §3.7: π_n ∝ aⁿ/n! up to c, then a^c/c!·ρ^(n−c), K = 14;
  // loss π_K, W_q = L_q / λ(1 − π_K).
  const [a, c, k] = [3.6, 4, 14];
  const fact = (n) => (n <= 1 ? 1 : n * fact(n - 1));
  const pi = [...Array(k + 1).keys()].map((n) => (n <= c ? a ** n / fact(n) : a ** c / fact(c) * (a / c) ** (n - c)));
  const total = pi.reduce((x, y) => x + y);
  const loss = pi[k] / total;
  const lq = pi.reduce((sum, p, n) => sum + Math.max(0, n - c) * p, 0) / total;
  const wait = lq / (3600 * (1 - loss)) * 1000;
  assert.equal(await page.getByTestId('node-theory').innerText(),
    `Theory, M/M/4/14 (birth–death chain): ρ 90.0%, loss ${(loss * 100).toFixed(2)}%, mean wait W_q ${wait.toFixed(3)} ms`);
  // The run's loss and wait, the same as the CLI's report.
  await runToEnd(page);
  const file = join(await mkdtemp(join(tmpdir(), 'archsim-')), 'mm4k.json');
  await writeFile(file, JSON.stringify(scenario));
  const s = cliRun(file).nodes.s;
  const [rho, measuredLoss, measuredWait] = numbers(await page.getByTestId('node-measured').innerText());
  assert.equal(rho, Number((s.utilization * 100).toFixed(1)));
  assert.ok(Math.abs(measuredLoss - (1 - s.accepted_rate_rps / s.offered_rate_rps) * 100) < 0.006, `${measuredLoss}`);
  assert.equal(measuredWait, Number(s.mean_wait_ms.toFixed(3)));
  // And the run is near the theory (20 s at 3,600 req/s).
  assert.ok(Math.abs(measuredLoss / 100 - loss) < 0.1 * loss, `loss ${measuredLoss}% vs ${loss * 100}%`);
  assert.ok(Math.abs(measuredWait - wait) < 0.1 * wait, `W_q ${measuredWait} vs ${wait}`);
  assert.deepEqual(problems, []);
});

/** Client → cache → store at 20,000 reads/s over `keys` (JSON), 10 s. */
function cached(keys) {
  return {
    version: 3, title: 'LRU cache', settings: { seed: 3, duration_s: 10, warmup_s: 2 },
    nodes: [
      { id: 'users', pos: { x: 40, y: 200 }, kind: 'client', params: { arrivals: { model: 'open', rate: { shape: 'constant', rps: 20000 } },
        mix: { read: 1, write: 0, other: 0 }, keys, timeout_ms: 3600000 } },
      { id: 'cache', pos: { x: 240, y: 200 }, kind: 'cache', params: { capacity_items: 500, eviction: 'lru', ttl_s: 0, op_ms: 0 } },
      { id: 'db', pos: { x: 440, y: 200 }, kind: 'service', params: { replicas: 1, workers: 1000, queue_capacity: 100000,
        service_time: { dist: 'constant', ms: 0 } } },
    ],
    edges: [{ from: 'users', to: 'cache', latency: { base_ms: 0 } }, { from: 'cache', to: 'db', latency: { base_ms: 0 } }],
  };
}

test("a cache shows Che's LRU hit ratio beside the measured one; a TTL has none", async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await loadDesign(page, cached({ law: 'zipf', keys: 10000, s: 0.9 }), 'cache');
  await page.getByTestId('node-cache').click();
  // Che, Tung & Wang (2002): T solves Σ (1 − e^(−pᵢT)) = C; h = Σ pᵢ(1 − e^(−pᵢT)).
  const w = [...Array(10000).keys()].map((i) => (i + 1) ** -0.9);
  const sum = w.reduce((x, y) => x + y);
  const p = w.map((x) => x / sum);
  const filled = (t) => p.reduce((acc, pi) => acc + 1 - Math.exp(-pi * t), 0);
  let [lo, hi] = [0, 1];
  while (filled(hi) < 500) hi *= 2;
  for (let i = 0; i < 200; i++) { const mid = (lo + hi) / 2; if (filled(mid) < 500) lo = mid; else hi = mid; }
  const hit = p.reduce((acc, pi) => acc + pi * (1 - Math.exp(-pi * lo)), 0);
  const theory = page.getByTestId('node-theory');
  assert.equal(await theory.innerText(),
    `Theory, LRU cache of 500 items, Zipf(0.9) over 10000 keys (Che's approximation): hit ratio ${(hit * 100).toFixed(1)}%`);
  await runToEnd(page);
  const [measured] = numbers(await page.getByTestId('node-measured').innerText());
  assert.ok(Math.abs(measured / 100 - hit) < 0.02 * hit, `hit ratio ${measured}% vs ${hit * 100}%`);

  // Uniform keys: C/N exactly; a TTL: no closed form.
  await page.getByTestId('reset').click();
  await loadDesign(page, cached({ law: 'uniform', keys: 10000 }), 'cache');
  await page.getByTestId('node-cache').click();
  assert.equal(await theory.innerText(),
    "Theory, LRU cache of 500 items, uniform over 10000 keys (Che's approximation): hit ratio 5.0%");
  assert.equal(await editUntil(page, 'ttl_s', '5', 'TTL'), 'Theory: a TTL besides LRU eviction: no closed form');
  assert.deepEqual(problems, []);
});

/**
 * A client publishing `rps` messages a second (with `client`'s parameters)
 * to a queue read by 4 consumers of exponential 5 ms (μ = 200/s), with
 * `queue`'s parameters, run for 60 s after 5 s of warm-up.
 */
const topic = (rps, client, queue) => ({
  version: 3, title: 'Consumer group', settings: { seed: 2, duration_s: 65, warmup_s: 5 },
  nodes: [
    { id: 'users', kind: 'client', params: { arrivals: { model: 'open', rate: { shape: 'constant', rps } },
      timeout_ms: 3600000, ...client } },
    { id: 'q', kind: 'queue', params: { consumers: 4, consumer_time: { dist: 'exponential', mean_ms: 5 }, ...queue } },
  ],
  edges: [{ from: 'users', to: 'q', latency: { base_ms: 0 } }],
});

test("a queue shows its consumer group's busy share and lag growth beside the run's", async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // 900 msg/s round robin over 6 partitions read by 4 consumers of 5 ms
  // (μ = 200/s): consumers 0 and 1 own two partitions (300/s, over μ),
  // 2 and 3 one (150/s). Busy (200 + 200 + 150 + 150) / 800 = 87.5%; the
  // lag grows 2 × (300 − 200) = 200 msg/s.
  await loadDesign(page, topic(900, {}, { partitions: 6, partitioner: 'round_robin' }), 'q');
  await page.getByTestId('node-q').click();
  assert.equal(await page.getByTestId('node-theory').innerText(),
    'Theory, consumer group of 4 at μ = 200 msg/s each, 6 partitions (flow balance): ρ 87.5%, lag grows 200 msg/s');
  await runToEnd(page);
  const [busy, growth] = numbers(await page.getByTestId('node-measured').innerText());
  assert.ok(Math.abs(busy - 87.5) < 1, `busy ${busy}%`);
  assert.ok(Math.abs(growth - 200) < 10, `lag growth ${growth} msg/s`);
  assert.deepEqual(problems, []);
});

test('a pool failing at random shows its availability from MTBF and MTTR', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const scenario = await readScenario('tests/data/mm4.json');
  scenario.nodes[0].params.arrivals.rate.rps = 5;
  Object.assign(scenario.nodes[1].params, { replicas: 2, mtbf_s: 100, mttr_s: 10 });
  await loadDesign(page, scenario, 's');
  await page.getByTestId('node-s').click();
  // Each replica is down 10 / (100 + 10) = 1/11 of the time; called
  // directly, the pool fails only while both are: A = 1 − (1/11)² = 99.17%.
  assert.equal(await page.getByTestId('node-theory').innerText(),
    'Theory, 2 replicas of MTBF 100 s, MTTR 10 s, called directly (alternating renewal, in parallel): availability 99.17%');
  await runToEnd(page);
  assert.match(await page.getByTestId('node-measured').innerText(), /^; measured availability \d+\.\d\d% since the warm-up$/);
  assert.deepEqual(problems, []);
});

test('a pool called with retries under an error rate shows its tries per call and calls failed, as the CLI measures', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // λ = 500 req/s into 2 workers of exponential 1 ms, up to 3 retries at
  // once, 30 % of the tries failing all run long.
  const scenario = await readScenario('tests/data/mm4.json');
  scenario.nodes[0].params.arrivals.rate.rps = 500;
  scenario.nodes[1].params.workers = 2;
  scenario.settings.duration_s = 100;
  scenario.edges[0].retry = { max_retries: 3, backoff: 'none', jitter: 'none' };
  scenario.faults = [{ at_s: 0, node: 's', fault: { error_rate: { share: 0.3 } } }];
  await loadDesign(page, scenario, 's');
  await page.getByTestId('node-s').click();
  // Each try fails with f = 0.3: 1 + f + f² + f³ tries a call, f⁴ of the
  // calls failing, and the pool serving every try: ρ = λ·tries·E[S]/c.
  const f = 0.3;
  const tries = 1 + f + f ** 2 + f ** 3;
  assert.equal(await page.getByTestId('node-theory').innerText(),
    'Theory, M/M/2, calls retried up to 3×, each try failing with probability f = 0.3 (truncated geometric ' +
    `tries, flow balance): tries per call ${tries.toFixed(3)}, calls failed ${(f ** 4 * 100).toFixed(2)}%, ` +
    `ρ ${(500 * tries * 1e-3 / 2 * 100).toFixed(1)}%`);
  // The run's tries per call and failed calls are the CLI report's.
  await runToEnd(page);
  const file = join(await mkdtemp(join(tmpdir(), 'archsim-')), 'retries.json');
  await writeFile(file, JSON.stringify(scenario));
  const cli = cliRun(file);
  const call = cli.edges['users->s'];
  assert.equal(await page.getByTestId('node-measured').innerText(),
    `; measured tries per call ${call.retry_amplification.toFixed(3)}, ` +
    `calls failed ${(call.failed_calls / call.calls * 100).toFixed(2)}%, ` +
    `ρ ${(cli.nodes.s.utilization * 100).toFixed(1)}% since the warm-up`);
  // Tries per call take 1…4 with P(k) = f^(k−1)(1 − f), P(4) = f³: over
  // the 49,000 calls after the warm-up, within 4 standard errors.
  const square = [1, 2, 3].reduce((sum, k) => sum + k * k * f ** (k - 1) * (1 - f), 16 * f ** 3);
  const se = Math.sqrt((square - tries ** 2) / call.calls);
  assert.ok(Math.abs(call.retry_amplification - tries) < 4 * se, `${call.retry_amplification} tries per call`);

  // A retry budget caps the retries: no closed form.
  scenario.edges[0].retry.budget = { ratio: 0.2, min_per_s: 10, ttl_s: 10 };
  await loadDesign(page, scenario, 's');
  await page.getByTestId('node-s').click();
  assert.equal(await page.getByTestId('node-theory').innerText(),
    'Theory: a retry budget caps the retries: no closed form');
  assert.deepEqual(problems, []);
});

test("a queue partitioned by key hash shows each consumer's share of the keys", async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // 700 msg/s over 8 partitions read by 4 consumers of 5 ms (μ = 200/s),
  // keys Zipf(1) over 1,000: key 1 alone is 1/H₁₀₀₀ = 13.4 % of the
  // messages, so the consumers of the hottest partitions fall behind
  // where round robin (175/s each) would keep up.
  await loadDesign(page, topic(700, { keys: { law: 'zipf', keys: 1000, s: 1 } }, { partitions: 8, partitioner: 'key_hash' }), 'q');
  await page.getByTestId('node-q').click();
  const theory = await page.getByTestId('node-theory').innerText();
  assert.match(theory, /^Theory, consumer group of 4 at μ = 200 msg\/s each, 8 partitions by key hash of Zipf\(1\) over 1000 keys, the hottest taking \d+\.\d% \(flow balance\): ρ \d+\.\d%, lag grows \d+ msg\/s$/);
  const [hottest, busy, growth] = numbers(theory.split('keys, ')[1]);
  const harmonic = Array.from({ length: 1000 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b);
  assert.ok(hottest >= 100 / harmonic, `the hottest partition ${hottest}% holds key 1`);
  assert.ok(busy < 100 && growth > 0, `busy ${busy}%, lag growth ${growth} msg/s`);
  await runToEnd(page);
  const [measuredBusy, measuredGrowth] = numbers(await page.getByTestId('node-measured').innerText());
  assert.ok(Math.abs(measuredBusy - busy) < 1.5, `busy ${measuredBusy}% vs ${busy}%`);
  assert.ok(Math.abs(measuredGrowth - growth) < 0.15 * growth, `lag growth ${measuredGrowth} vs ${growth} msg/s`);
  assert.deepEqual(problems, []);
});
