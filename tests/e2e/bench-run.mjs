// Benchmark (not a test): frame times while the page runs a 20-node design
// at 5,000 req/s (benches/twenty.json), at 1× (with the request-flow
// animation on and off) and at max speed, in headless Chromium, with the
// charts drawing. Run by scripts/bench after a release
// build.
import { serveDist, launch, openWithFrameClock, frameTimes, readScenario } from './harness.mjs';

const scenario = await readScenario('benches/twenty.json');
const server = await serveDist();
const browser = await launch();
const page = await openWithFrameClock(browser, server.url, scenario, 'orders-db');
const simTime = async () => Number(await page.getByTestId('sim-time').innerText());

/**
 * Frame-time percentiles and simulated seconds per wall second over `ms`,
 * or until the run reaches its end (at max speed it may end sooner: the
 * rate is then over the time it took, to within the 100 ms polling).
 */
async function measure(ms) {
  const [start, sim0] = [await page.evaluate(() => performance.now()), await simTime()];
  let [end, sim1] = [start, sim0];
  while (end - start < ms && sim1 < scenario.settings.duration_s) {
    await page.waitForTimeout(100);
    [end, sim1] = [await page.evaluate(() => performance.now()), await simTime()];
  }
  const rate = (sim1 - sim0) / ((end - start) / 1000);
  return `${await frameTimes(page, start, end)}; ${rate.toFixed(1)} simulated s per s`;
}

await page.getByTestId('speed').selectOption('1');
await page.getByTestId('run').click();
await page.waitForTimeout(1500);
console.log(`run 20 nodes at 5000 req/s, 1×, request flow on: ${await measure(8000)}`);
await page.getByTestId('flow-toggle').uncheck();
await page.waitForTimeout(500);
console.log(`run 20 nodes at 5000 req/s, 1×, request flow off: ${await measure(5000)}`);
await page.getByTestId('flow-toggle').check();
await page.getByTestId('speed').selectOption('0');
await page.waitForTimeout(500);
console.log(`run 20 nodes at 5000 req/s, max, request flow on: ${await measure(5000)}`);
await browser.close();
await server.close();
