// Benchmark (not a test): first render, as a first visit gets it: from the
// navigation's start to the first paint of the starter design's nodes on the
// canvas (the page fetched, its Wasm compiled and instantiated, the design
// parsed and drawn), in a fresh browser context each time (no HTTP cache), in
// headless Chromium. Run by scripts/bench after a release build; the target
// is a median of at most 400 ms.
//
// The times are the page's own: a script installed before the page's records
// when the first node enters the canvas, and the browser's first contentful
// paint (the body is empty until the app mounts, so that paint draws the
// design). Reading `performance.now()` after Playwright's `waitFor` instead
// would add its polling interval (up to 100 ms and more) to every load.
import { serveDist, launch } from './harness.mjs';

const LOADS = 9;
const server = await serveDist();
const browser = await launch();
const times = [];
const attached = [];
for (let k = 0; k < LOADS; k++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid=canvas] [data-testid^=node-]')) {
        window.archsimNodesAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('[data-testid=canvas] [data-testid^=node-]').first().waitFor({ state: 'attached' });
  // The paint entry is queued a little after the frame that drew it.
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
  const { nodesAt, paintAt } = await page.evaluate(() => ({
    nodesAt: window.archsimNodesAt,
    paintAt: performance.getEntriesByName('first-contentful-paint')[0].startTime,
  }));
  if (paintAt < nodesAt) {
    throw new Error(`the first contentful paint (${paintAt} ms) came before the design's nodes (${nodesAt} ms)`);
  }
  attached.push(nodesAt);
  times.push(paintAt);
  await context.close();
}
const spread = (xs) => {
  xs.sort((a, b) => a - b);
  return `median ${xs[Math.floor(LOADS / 2)].toFixed(0)} ms (${xs[0].toFixed(0)}–${xs[LOADS - 1].toFixed(0)})`;
};
console.log(
  `first render (navigation start → the starter design painted), ${LOADS} cold loads: ` +
    `${spread(times)}; target ≤ 400 ms; its nodes in the page: ${spread(attached)}`,
);
await browser.close();
await server.close();
