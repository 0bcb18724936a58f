// Shared test harness: serves dist/ on 127.0.0.1 and drives Debian Chromium.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
export const DIST = resolve(here, '../../dist');
export const SHOTS = resolve(here, 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Whether `url` is the background workers' script, named after its
 * content (`worker-<16 hex digits of its SHA-256>.js`, scripts/post-build/hash-worker-files.mjs). */
export const isWorkerScript = (url) => /\/worker-[0-9a-f]{16}\.js$/.test(url);

/** The page's background workers of one role: `live run` (the run's, started
 * a second after the page opens) or `pool` (grading, many seeds, curves). */
export const backgroundWorkers = async (page, role) => {
  const ours = page.workers().filter((w) => isWorkerScript(w.url()));
  const names = await Promise.all(ours.map((w) => w.evaluate(() => self.name).catch(() => null)));
  return ours.filter((_, i) => names[i] === role);
};

/** Notes the roles of the background workers the page starts from now on;
 * the function returned resolves to them (`ended` for one that ended first). */
export function rolesStarted(page) {
  const roles = [];
  page.on('worker', (w) => {
    if (isWorkerScript(w.url())) roles.push(w.evaluate(() => self.name).catch(() => 'ended'));
  });
  return () => Promise.all(roles);
}

/** Serves dist/ on an ephemeral loopback port; resolves to { url, close }. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches headless Debian Chromium with the flags this workplace needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Opens the app in a fresh page of the given viewport (a first visit: it
 * closes the gallery unless told not to). Collects console errors, page
 * errors and requests that leave the test server.
 */
export async function openApp(browser, url, viewport = { width: 1280, height: 800 }, { closeGallery = true } = {}) {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) {
      problems.push(`network request outside the app: ${r.url()}`);
    }
  });
  await page.goto(url);
  await page.getByTestId('canvas').waitFor({ state: 'visible' });
  // A first visit opens on the preset gallery; close it to work on the
  // starter design behind it.
  if (closeGallery) await page.getByTestId('gallery-close').click();
  return { page, problems };
}

/** Closes the preset gallery if the page shows it (a first visit). */
export async function closeGalleryIfOpen(page) {
  if (await page.getByTestId('gallery').isVisible()) await page.getByTestId('gallery-close').click();
}

/** Writes a screenshot to the git-ignored screenshots folder; returns its path. */
export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Registers hooks that serve dist/ and launch Chromium once for a test
 * file; returns an object whose `server` and `browser` are set by then.
 */
export function useBrowser() {
  const env = {};
  before(async () => {
    env.server = await serveDist();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** Clicks Pause and waits until the run is paused: the run's worker
 * answered where it stopped (a run that ended meanwhile is finished). */
export async function pause(page) {
  await page.getByTestId('pause').click();
  await page.waitForFunction(() => ['paused', 'finished'].includes(document.querySelector('.status').innerText.toLowerCase()));
}

/** A readout shown as a plain number (`metric-availability`, …). */
export const number = async (page, id) => Number(await page.getByTestId(id).innerText());

/** Waits until the simulated time passes `s` seconds. */
export const simTimeAbove = (page, s, options) =>
  page.waitForFunction((s) => Number(document.querySelector('[data-testid=sim-time]').innerText) > s, s, options);

/** A scenario file of the repository (e.g. `scenarios/cache-aside.json`), parsed. */
export async function readScenario(path) {
  return JSON.parse(await readFile(new URL(`../../${path}`, import.meta.url), 'utf8'));
}

/**
 * Makes `scenario` the page's saved design, reloads, and waits for the
 * node `nodeId`.
 */
export async function loadDesign(page, scenario, nodeId) {
  // After the app's first render: its autosave of the design it opened
  // would otherwise overwrite this one.
  await page.getByTestId('canvas').waitFor();
  await page.evaluate((s) => localStorage.setItem('archsim.scenario', JSON.stringify(s)), scenario);
  await page.reload();
  await page.getByTestId(`node-${nodeId}`).waitFor();
}

/**
 * For benchmarks: opens the app with `scenario` as the saved design, waits
 * for the node `nodeId`, and starts recording animation-frame times.
 */
export async function openWithFrameClock(browser, url, scenario, nodeId) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await loadDesign(page, scenario, nodeId);
  await page.evaluate(() => {
    window.frames_ = [];
    const tick = (t) => { window.frames_.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  return page;
}

/** Frame-time figures between two `performance.now()` instants, ms. */
export async function frameTimes(page, start, end) {
  const frames = await page.evaluate(([a, b]) => window.frames_.filter((t) => t >= a && t <= b), [start, end]);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((p, q) => p - q);
  const pct = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))].toFixed(1);
  return `${gaps.length} frames, frame time p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${gaps.at(-1).toFixed(1)} ms`;
}

/** Pixels of the chart's canvas (`chart-<chart>`) within a small distance of `rgb`. */
export function ink(page, chart, rgb) {
  return page.evaluate(([chart, rgb]) => {
    const c = document.querySelector(`[data-testid=chart-${chart}]`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - rgb[0]) < 24 && Math.abs(d[i + 1] - rgb[1]) < 24 && Math.abs(d[i + 2] - rgb[2]) < 24) n++;
    }
    return n;
  }, [chart, rgb]);
}

/** Clicks `testid` and returns the downloaded file's name and bytes. */
export async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}
