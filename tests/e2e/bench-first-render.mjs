// Benchmark (not a test): first render, as a first visit gets it: from the
// navigation's start to the starter design's nodes on the canvas (the page
// fetched, its Wasm compiled and instantiated, the design parsed and drawn),
// in a fresh browser context each time (no HTTP cache), in headless
// Chromium. Run by scripts/bench after a release build; the target is a
// median of at most 400 ms.
import { serveDist, launch } from './harness.mjs';

const LOADS = 9;
const server = await serveDist();
const browser = await launch();
const times = [];
for (let k = 0; k < LOADS; k++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('[data-testid=canvas] [data-testid^=node-]').first().waitFor({ state: 'attached' });
  times.push(await page.evaluate(() => performance.now()));
  await context.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(LOADS / 2)];
console.log(
  `first render (navigation start → the starter design drawn), ${LOADS} cold loads: ` +
    `median ${median.toFixed(0)} ms (${times[0].toFixed(0)}–${times[LOADS - 1].toFixed(0)}); target ≤ 400 ms`,
);
await browser.close();
await server.close();
