// Benchmark (not a test): Run ×8 seeds of a 20-node design at 5,000 req/s
// (benches/twenty.json, 120 simulated s each) in headless Chromium, on 1
// background worker and then on one per core, in alternating rounds; the
// wall time of each and the speed-up of the many workers over one, with
// the page's frame times while they run. The page sizes its pool from
// `navigator.hardwareConcurrency` (one worker per core but one, keeping a
// core to draw on), so each round sets that figure to get the pool it
// wants. Run by scripts/bench after a release build.
import { cpus } from 'node:os';
import { serveDist, launch, loadDesign, frameTimes, readScenario } from './harness.mjs';

const scenario = await readScenario('benches/twenty.json');
const cores = cpus().length;
const server = await serveDist();
const browser = await launch();

/** Wall ms of Run ×8 seeds on `workers` workers, and the frame times meanwhile. */
async function seeds(workers) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript((n) => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => n }), workers + 1);
  await page.goto(server.url);
  await loadDesign(page, scenario, 'orders-db');
  await page.evaluate(() => {
    window.frames_ = [];
    const tick = (t) => { window.frames_.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.getByTestId('seeds-count').selectOption('8');
  const start = await page.evaluate(() => performance.now());
  await page.getByTestId('run-seeds').click();
  await page.waitForFunction(() => document.querySelector('.status').innerText.toLowerCase() === 'seeds finished',
    null, { timeout: 600_000 });
  const end = await page.evaluate(() => performance.now());
  const frames = await frameTimes(page, start, end);
  await page.close();
  return { ms: end - start, frames };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const one = [];
const many = [];
for (let round = 0; round < 3; round++) {
  const a = await seeds(1);
  const b = await seeds(cores);
  one.push(a.ms);
  many.push(b.ms);
  console.log(`round ${round + 1}: 1 worker ${a.ms.toFixed(0)} ms (${a.frames}); ` +
    `${cores} workers ${b.ms.toFixed(0)} ms (${b.frames})`);
}
console.log(`Run ×8 seeds of 20 nodes: 1 worker median ${median(one).toFixed(0)} ms, ${cores} workers ` +
  `${median(many).toFixed(0)} ms: speed-up ${(median(one) / median(many)).toFixed(2)} on ${cores} cores`);
await browser.close();
await server.close();
