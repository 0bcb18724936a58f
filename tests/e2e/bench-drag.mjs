// Benchmark (not a test): frame times while dragging a node in a 200-node
// design, in headless Chromium. Run by scripts/bench after a release build.
import { serveDist, launch } from './harness.mjs';

const N = 200;
const nodes = Array.from({ length: N }, (_, i) => ({
  id: `s${i}`,
  label: `Service ${i}`,
  pos: { x: (i % 20) * 200, y: Math.floor(i / 20) * 100 },
  kind: i % 20 === 0 ? 'client' : 'service',
  params: {},
}));
const edges = nodes.filter((_, i) => i % 20 !== 19).map((n, i) => ({ from: n.id, to: `s${i + 1}` }));
const scenario = { version: 1, title: '200-node drag benchmark', nodes, edges };

const server = await serveDist();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(server.url);
await page.evaluate((s) => localStorage.setItem('archsim.scenario', JSON.stringify(s)), scenario);
await page.reload();
await page.getByTestId('node-s45').waitFor();
await page.evaluate(() => {
  window.frames_ = [];
  const tick = (t) => { window.frames_.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});
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
const frames = await page.evaluate(([a, b]) => window.frames_.filter((t) => t >= a && t <= b), [start, end]);
const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((p, q) => p - q);
const pct = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))].toFixed(1);
console.log(`drag in a ${N}-node design: ${gaps.length} frames, frame time p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${gaps.at(-1).toFixed(1)} ms`);
await browser.close();
await server.close();
