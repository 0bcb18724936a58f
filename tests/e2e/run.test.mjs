// A live run in the page: the starter scenario is drawn, Run advances the
// simulation, the readouts fill in, Pause stops it, Reset clears it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useBrowser, openApp, screenshot, number, pause, backgroundWorkers } from './harness.mjs';

const env = useBrowser();


test('run the starter scenario in the page', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  for (const id of ['users', 'lb', 'web', 'api', 'db']) {
    assert.ok(await page.getByTestId(`node-${id}`).isVisible(), `node-${id} drawn`);
  }
  assert.equal(await page.getByTestId('edge-api-db').count(), 1);
  // Nodes and calls have roles and names for screen readers.
  assert.equal(await page.getByRole('img', { name: 'Service pool Web, 2 replicas', exact: true }).count(), 1);
  assert.equal(await page.getByRole('img', { name: 'call from api to db', exact: true }).count(), 1);

  // The run's worker starts a second after the page opens and loads the
  // workers' module before any Run, so the first Run does not wait for it.
  let warm;
  for (let i = 0; i < 100 && !warm; i++) {
    [warm] = await backgroundWorkers(page, 'live run');
    if (!warm) await page.waitForTimeout(100);
  }
  assert.ok(warm, 'the run\'s worker started before the first Run');
  await warm.evaluate(() => new Promise((loaded) => {
    const check = () => (performance.getEntriesByType('resource').some((e) => /_bg\.wasm$/.test(e.name)) ? loaded() : setTimeout(check, 50));
    check();
  }));

  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=run-announcement]').innerText === 'Run started');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').innerText) > 15);
  // The engine runs in that background worker; the page only draws.
  const holders = await backgroundWorkers(page, 'live run');
  assert.ok(holders.length === 1 && holders[0] === warm, 'the warmed worker holds the run');
  // 400 req/s offered to a design with spare capacity: everything completes.
  const availability = await number(page, 'metric-availability');
  const throughput = await number(page, 'metric-throughput');
  const p99 = await number(page, 'metric-p99');
  assert.ok(availability > 99.9, `availability ${availability}%`);
  assert.ok(throughput > 300 && throughput < 500, `throughput ${throughput} req/s`);
  // Each request crosses 20 ms + Exp(5 ms) of network each way, plus service.
  assert.ok(p99 > 40 && p99 < 500, `p99 ${p99} ms`);
  assert.match(await page.getByTestId('node-web').getAttribute('class'), /cool|warm|hot/);
  // Selecting a node shows its live state.
  await page.getByTestId('node-web').click();
  assert.match(await page.getByTestId('node-live').innerText(), /of 64 workers busy \(ρ \d+%\), \d+ queued/);
  await screenshot(page, 'run-in-progress');

  // Running, a node's name carries its live figures.
  assert.match(await page.getByTestId('node-web').getAttribute('aria-label'), /^Service pool Web, 2 replicas, ρ \d+%/);

  await pause(page);
  assert.equal(await page.getByTestId('run-announcement').innerText(), 'Run paused');
  const paused = await number(page, 'sim-time');
  await page.waitForTimeout(300);
  assert.equal(await number(page, 'sim-time'), paused, 'paused time stands still');

  await page.getByTestId('reset').click();
  assert.equal(await number(page, 'sim-time'), 0);

  // Step advances 100 ms of simulated time.
  await page.getByTestId('step').click();
  await page.getByTestId('step').click();
  // The steps' readouts come back from the run's worker.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').innerText) >= 0.2);
  assert.equal(await number(page, 'sim-time'), 0.2);

  // As fast as possible runs to the end (120 s) and stays responsive.
  await page.getByTestId('reset').click();
  await page.getByTestId('seed').fill('7');
  await page.getByTestId('seed').press('Enter');
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'finished');
  assert.equal(await number(page, 'sim-time'), 120);
  assert.ok(await number(page, 'metric-availability') > 99.9);

  // The page ran the same simulation as the native CLI, bit for bit.
  const cli = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--bin', 'archsim', '--', 'run',
    'scenarios/three-tier.json', '--seed', '7'], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' }));
  assert.equal(await page.getByTestId('digest').innerText(), cli.digest);
  assert.deepEqual(problems, []);
});

test('while running, nodes\' figures refresh at most four times a second, the clock on every tick', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').innerText) > 1);
  // Count the text changes of the web pool's figures and of the clock over
  // 2 s of wall time.
  const changes = await page.evaluate(() => new Promise((done) => {
    const count = { node: 0, clock: 0 };
    const watch = (el, key) => new MutationObserver(() => count[key]++)
      .observe(el, { subtree: true, childList: true, characterData: true });
    watch(document.querySelector('[data-testid=node-web] .node-sub'), 'node');
    watch(document.querySelector('[data-testid=sim-time]'), 'clock');
    setTimeout(() => done(count), 2000);
  }));
  // Ticks every 50 ms, 0.5 simulated s each at 10×: about 40 clock
  // changes. The figures (ρ of 64 workers, which moves by a few %
  // between refreshes) at most 8 + 1.
  assert.ok(changes.clock >= 25, `clock changes: ${changes.clock}`);
  assert.ok(changes.node >= 3 && changes.node <= 9, `figure changes: ${changes.node}`);
  await page.close();
  assert.deepEqual(problems, []);
});
