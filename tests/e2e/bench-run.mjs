// Benchmark (not a test): frame times while the page runs a 20-node design
// at 5,000 req/s (benches/twenty.json), at 1× and at max speed, in headless
// Chromium, with the charts drawing. Run by scripts/bench after a release
// build.
import { readFile } from 'node:fs/promises';
import { serveDist, launch } from './harness.mjs';

const scenario = JSON.parse(await readFile(new URL('../../benches/twenty.json', import.meta.url), 'utf8'));
const server = await serveDist();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(server.url);
await page.evaluate((s) => localStorage.setItem('archsim.scenario', JSON.stringify(s)), scenario);
await page.reload();
await page.getByTestId('node-orders-db').waitFor();
await page.evaluate(() => {
  window.frames_ = [];
  const tick = (t) => { window.frames_.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});
const simTime = async () => Number(await page.getByTestId('sim-time').innerText());

/** Frame-time percentiles and simulated seconds per wall second over `ms`. */
async function measure(ms) {
  const [start, sim0] = [await page.evaluate(() => performance.now()), await simTime()];
  await page.waitForTimeout(ms);
  const [end, sim1] = [await page.evaluate(() => performance.now()), await simTime()];
  const frames = await page.evaluate(([a, b]) => window.frames_.filter((t) => t >= a && t <= b), [start, end]);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((p, q) => p - q);
  const pct = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))].toFixed(1);
  return `${gaps.length} frames, frame time p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${gaps.at(-1).toFixed(1)} ms; `
    + `${((sim1 - sim0) / ((end - start) / 1000)).toFixed(1)} simulated s per s`;
}

await page.getByTestId('speed').selectOption('1');
await page.getByTestId('run').click();
await page.waitForTimeout(1000);
console.log(`run 20 nodes at 5000 req/s, 1×: ${await measure(8000)}`);
await page.getByTestId('speed').selectOption('0');
await page.waitForTimeout(500);
console.log(`run 20 nodes at 5000 req/s, max: ${await measure(5000)}`);
await browser.close();
await server.close();
