// Benchmark (not a test): frame times while dragging a node in a 200-node
// design, then while it runs with the request flow, in headless Chromium. Run by scripts/bench after a release build.
import { serveDist, launch, openWithFrameClock, frameTimes } from './harness.mjs';

const N = 200;
const nodes = Array.from({ length: N }, (_, i) => ({
  id: `s${i}`,
  label: `Service ${i}`,
  pos: { x: (i % 20) * 200, y: Math.floor(i / 20) * 100 },
  kind: i % 20 === 0 ? 'client' : 'service',
  params: {},
}));
const edges = nodes.filter((_, i) => i % 20 !== 19).map((n) => ({ from: n.id, to: `s${Number(n.id.slice(1)) + 1}` }));
const scenario = { version: 1, title: '200-node drag benchmark', nodes, edges };

const server = await serveDist();
const browser = await launch();
const page = await openWithFrameClock(browser, server.url, scenario, 's45');
const box = await page.getByTestId('node-s45').boundingBox();
const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
await page.mouse.move(x, y);
await page.mouse.down();
const start = await page.evaluate(() => performance.now());
for (let k = 1; k <= 120; k++) {
  await page.mouse.move(x + k * 2, y + Math.sin(k / 10) * 40);
}
await page.mouse.up();
const end = await page.evaluate(() => performance.now());
console.log(`drag in a ${N}-node design: ${await frameTimes(page, start, end)}`);
// The same design running at 1× with the request flow drawn on its edges.
await page.getByTestId('run').click();
await page.waitForTimeout(2000);
/** Frame times over the next 5 s. */
async function frames() {
  const from = await page.evaluate(() => performance.now());
  await page.waitForTimeout(5000);
  return frameTimes(page, from, await page.evaluate(() => performance.now()));
}
const flowing = async () => (await page.getByTestId('flow-layer').getAttribute('data-dots')).split(';').filter(Boolean).length;
console.log(`run a ${N}-node design at 1×, ${await flowing()} edges flowing: ${await frames()}`);
await page.getByTestId('flow-toggle').uncheck();
console.log(`run a ${N}-node design at 1×, request flow off: ${await frames()}`);
await page.getByTestId('flow-toggle').check();
console.log(`run a ${N}-node design at 1×, ${await flowing()} edges flowing: ${await frames()}`);
await browser.close();
await server.close();
