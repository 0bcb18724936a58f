// Theory beside the simulation: a service pool that is an M/M/c or M/G/1
// queue in its design shows ρ, the mean wait (Erlang C or
// Pollaczek–Khinchine) and for M/M/c the p99 response time, and beside
// them the mean wait the run measures; any other pool says why it has no
// closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, openApp, loadDesign, readScenario } from './harness.mjs';

const env = useBrowser();

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
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished');
  const file = join(await mkdtemp(join(tmpdir(), 'archsim-')), 'mm1.json');
  await writeFile(file, JSON.stringify(scenario));
  const cli = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--bin', 'archsim', '--', 'run', file],
    { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' }));
  assert.equal(await page.getByTestId('node-measured-wait').innerText(),
    `; measured W_q ${cli.nodes.s.mean_wait_ms.toFixed(3)} ms since the warm-up`);

  // Two replicas behind the pool's balancing: no closed form.
  await page.getByTestId('reset').click();
  const replicas = page.getByTestId('param-replicas');
  await replicas.fill('2');
  await replicas.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=node-theory]').innerText.includes('replicas'));
  assert.equal(await theory.innerText(), "Theory: 2 replicas behind the pool's balancing: no closed form");
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
