// The layout at the screens a workshop uses: a 1280×800 laptop, a
// 1920×1080 projector and a 390×844 phone. Nothing overflows the window
// sideways, the charts are tall enough to read, the split between canvas
// and run panel is resizable and remembered, and on a phone an exercise can
// be opened, run and graded, with the inspector as a bottom sheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, simTimeAbove } from './harness.mjs';

const env = useBrowser();

const finished = (page) => page.waitForFunction(
  () => document.querySelector('.status').innerText.toLowerCase() === 'finished', null, { timeout: 120_000 });

/**
 * Elements that reach past the window's left or right edge, unless an
 * ancestor clips or scrolls them (then that ancestor is what is judged).
 */
const overflowing = (page) => page.evaluate(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let clipped = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; }
    }
    if (!clipped && (r.right > width + 0.5 || r.left < -0.5)) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} [${el.dataset.testid ?? ''}] ${r.left.toFixed(0)}–${r.right.toFixed(0)}`);
    }
  }
  return out;
});

/** Opens the zone-outage exercise from the first visit's gallery and runs it to the end at max speed. */
async function runExercise(page) {
  await page.getByTestId('preset-zone-outage').click();
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await finished(page);
}

const chartHeights = (page) => page.locator('.chart canvas').evaluateAll((cs) => cs.map((c) => c.clientHeight));

for (const [viewport, least] of [[{ width: 1280, height: 800 }, 120], [{ width: 1920, height: 1080 }, 240]]) {
  test(`${viewport.width}×${viewport.height}: charts ≥ ${least} px tall, side by side, nothing overflows`, async () => {
    const { page, problems } = await openApp(env.browser, env.server.url, viewport, { closeGallery: false });
    await runExercise(page);
    assert.deepEqual(await overflowing(page), []);
    const heights = await chartHeights(page);
    assert.equal(heights.length, 3, 'latency, throughput and availability over time');
    for (const h of heights) assert.ok(h >= least, `chart ${h} px tall, want ≥ ${least}`);
    // Side by side, not overlapping, all inside the window.
    const boxes = await Promise.all(['latency', 'throughput', 'availability'].map((k) => page.getByTestId(`chart-${k}`).boundingBox()));
    for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i - 1].x + boxes[i - 1].width <= boxes[i].x, 'charts do not overlap');
    assert.ok(boxes.every((b) => b.y + b.height <= viewport.height), 'charts inside the window');
    // The CDF has its own tab and takes the whole width.
    await page.getByTestId('chart-tab-cdf').click();
    assert.equal(await page.getByTestId('chart-latency').count(), 0);
    const cdf = await page.getByTestId('chart-cdf').boundingBox();
    assert.ok(cdf.width > boxes[2].x + boxes[2].width - boxes[0].x - 20, `the CDF takes the charts' width (${cdf.width})`);
    await screenshot(page, `layout-${viewport.width}x${viewport.height}-cdf`);
    await page.getByTestId('chart-tab-time').click();
    assert.equal(await page.getByTestId('chart-cdf').count(), 0);

    // Present mode: taller charts and larger figures for the room, on the
    // projector and on a laptop; nothing overflows.
    const figure = () => page.getByTestId('metric-p99').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    const before = { chart: Math.min(...heights), figure: await figure() };
    await page.getByTestId('presentation').click();
    assert.deepEqual(await overflowing(page), []);
    await screenshot(page, `layout-${viewport.width}x${viewport.height}-present`);
    const present = { chart: Math.min(...await chartHeights(page)), figure: await figure() };
    assert.ok(present.chart > before.chart, `Present mode: charts taller (${present.chart} > ${before.chart})`);
    assert.ok(present.figure > before.figure, `Present mode: figures larger (${present.figure} > ${before.figure})`);
    await page.getByTestId('presentation').click();
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('1024×768: every component kind in the palette without scrolling it', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, { width: 1024, height: 768 });
  const [last, bottom, count] = await page.locator('.palette').evaluate((p) => {
    const items = p.querySelectorAll('.palette-item');
    return [items[items.length - 1].getBoundingClientRect().bottom, p.getBoundingClientRect().bottom, items.length];
  });
  assert.ok(count >= 11, `${count} kinds`);
  assert.ok(last <= bottom, `the last tile ends at ${last} px, the palette at ${bottom} px`);
  await page.getByTestId('palette-zone').scrollIntoViewIfNeeded();
  assert.equal(await page.locator('.palette').evaluate((p) => p.scrollTop), 0, 'the palette did not scroll');
  assert.deepEqual(problems, []);
  await page.close();
});

test('1024×768 (an XGA projector): Present mode draws taller charts, not a few pixels', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, { width: 1024, height: 768 });
  await page.getByTestId('run').click();
  await simTimeAbove(page, 5);
  const before = Math.min(...await chartHeights(page));
  // Its wider side panels once left the run panel 414 px and the charts 2–37 px.
  await page.getByTestId('presentation').click();
  const present = Math.min(...await chartHeights(page));
  await screenshot(page, 'layout-1024x768-present');
  assert.ok(present > before && present >= 100, `Present mode: charts ${present} px tall, ${before} px before`);
  assert.deepEqual(problems, []);
  await page.close();
});

for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }, { width: 390, height: 844 }]) {
  test(`${viewport.width}×${viewport.height}: an opened exercise is fitted whole, its empty zones and their region too`, async () => {
    const { page, problems } = await openApp(env.browser, env.server.url, viewport, { closeGallery: false });
    await page.getByTestId('preset-zone-outage').click();
    await page.getByTestId('node-api-a').waitFor();
    const canvas = await page.getByTestId('canvas').boundingBox();
    const drawn = page.getByTestId('canvas').locator('[data-testid^=zone-] > rect, [data-testid^=region-] > rect, [data-testid^=node-]');
    assert.equal(await drawn.count(), 8, 'three zones, a region and four nodes');
    for (const box of await drawn.evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { id: e.closest('[data-testid]').dataset.testid, x: r.x, y: r.y, right: r.right, bottom: r.bottom };
    }))) {
      const inside = box.x >= canvas.x - 0.5 && box.y >= canvas.y - 0.5
        && box.right <= canvas.x + canvas.width + 0.5 && box.bottom <= canvas.y + canvas.height + 0.5;
      assert.ok(inside, `${box.id} is inside the canvas: ${JSON.stringify(box)} in ${JSON.stringify(canvas)}`);
    }
    await screenshot(page, `layout-fitted-${viewport.width}x${viewport.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the split between canvas and run panel: dragged, kept across a reload, keys, double-click resets', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const run = () => page.locator('.run-panel').boundingBox();
  const start = await run();
  const split = await page.getByTestId('run-splitter').boundingBox();
  await page.mouse.move(split.x + 300, split.y + split.height / 2);
  await page.mouse.down();
  await page.mouse.move(split.x + 300, split.y - 60, { steps: 5 });
  await page.mouse.move(split.x + 300, split.y - 100, { steps: 5 });
  await page.mouse.up();
  const taller = await run();
  assert.ok(Math.abs(taller.height - (start.height + 100)) <= 4, `dragged 100 px up: ${start.height} → ${taller.height}`);
  await page.reload();
  await page.getByTestId('canvas').waitFor();
  assert.ok(Math.abs((await run()).height - taller.height) <= 1, 'the height survives a reload');
  await page.getByTestId('run-splitter').focus();
  await page.keyboard.press('ArrowDown');
  assert.ok(Math.abs((await run()).height - (taller.height - 24)) <= 1, '↓ shrinks the run panel by 24 px');
  assert.equal(await page.getByRole('separator', { name: 'Resize the run panel' }).count(), 1);
  // Never so tall that the canvas disappears.
  await page.keyboard.press('ArrowUp');
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowUp');
  assert.ok((await page.getByTestId('canvas').boundingBox()).height >= 100, 'the canvas keeps its room');
  await page.getByTestId('run-splitter').dblclick();
  assert.ok(Math.abs((await run()).height - start.height) <= 1, 'a double click puts the default back');
  await page.reload();
  await page.getByTestId('canvas').waitFor();
  assert.ok(Math.abs((await run()).height - start.height) <= 1, 'and the default is kept');
  assert.deepEqual(problems, []);
  await page.close();
});

test('phone 390×844: open an exercise, run it, read its objectives; the inspector is a bottom sheet', async () => {
  const page = await env.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(env.server.url);
  await page.getByTestId('preset-zone-outage').tap();
  assert.deepEqual(await overflowing(page), []);
  const canvas = await page.getByTestId('canvas').boundingBox();
  assert.ok(canvas.width >= 380 && canvas.height >= 300, `the canvas is usable: ${canvas.width}×${canvas.height}`);
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').tap();
  await finished(page);
  const objective = page.getByTestId('objective-0');
  await objective.scrollIntoViewIfNeeded();
  assert.ok(await objective.isVisible());
  assert.match(await objective.innerText(), /availability ≥ 98\.00 %/);
  assert.equal(await objective.getAttribute('data-status'), 'fail');
  assert.deepEqual(await overflowing(page), []);
  await screenshot(page, 'layout-phone-objectives');

  // A tap on a node: its parameters and fault buttons in a sheet over the bottom of the screen.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('node-api-a').tap();
  const sheet = await page.getByTestId('inspector').boundingBox();
  assert.ok(sheet.y + sheet.height <= 844 + 1 && sheet.y >= 844 * 0.4, `a bottom sheet: y ${sheet.y}, height ${sheet.height}`);
  assert.ok(await page.getByTestId('param-replicas').isVisible() || await page.getByTestId('param-label').isVisible());
  await page.getByTestId('reset').tap();
  await page.getByTestId('fail-api-a').scrollIntoViewIfNeeded();
  assert.ok(await page.getByTestId('fail-api-a').isVisible(), 'its faults can be injected');
  assert.deepEqual(await overflowing(page), []);
  await screenshot(page, 'layout-phone-sheet');
  await page.getByTestId('sheet-done').tap();
  assert.equal(await page.getByTestId('sheet-done').count(), 0, 'Done closes the sheet');
  assert.deepEqual(problems, []);
  await page.close();
});

test('1280×800: a service pool\'s most-used fields first, in view without scrolling; the rest folded; a field search', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await page.getByTestId('node-web').click();
  const inspector = await page.getByTestId('inspector').boundingBox();
  for (const field of ['replicas', 'workers', 'queue_capacity', 'service_time.dist', 'service_time.mean_ms']) {
    const box = await page.getByTestId(`param-${field}`).boundingBox();
    assert.ok(box && box.y + box.height <= Math.min(800, inspector.y + inspector.height), `${field} in view without scrolling (${box?.y})`);
  }
  // Failure rates are folded under "More parameters".
  assert.equal(await page.getByTestId('param-mtbf_s').isVisible(), false);
  await page.getByTestId('more-params').locator('summary').click();
  assert.ok(await page.getByTestId('param-mtbf_s').isVisible());
  // The search shows only the matching fields, wherever they are.
  await page.getByTestId('param-search').fill('repair');
  assert.deepEqual(await page.locator('[data-testid=inspector] .field [data-testid^=param-]').evaluateAll((es) => es.map((e) => e.dataset.testid)),
    ['param-label', 'param-mttr_s']);
  await page.getByTestId('param-search').fill('zzz');
  assert.match(await page.getByTestId('inspector').innerText(), /No parameter matches/);
  // Another node: the search starts empty.
  await page.getByTestId('node-lb').click();
  assert.equal(await page.getByTestId('param-search').inputValue(), '');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const viewport of [{ width: 820, height: 1180 }, { width: 1024, height: 768 }]) {
  test(`tablet ${viewport.width}×${viewport.height}: the editor's panels fit, the charts are readable`, async () => {
    const page = await env.browser.newPage({ viewport, hasTouch: true });
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(env.server.url);
    await page.getByTestId('preset-zone-outage').tap();
    for (const id of ['palette-service', 'canvas', 'inspector', 'run']) {
      assert.ok(await page.getByTestId(id).isVisible(), `${id} is visible`);
    }
    const canvas = await page.getByTestId('canvas').boundingBox();
    assert.ok(canvas.width >= 300 && canvas.height >= 250, `the canvas is usable: ${canvas.width}×${canvas.height}`);
    await page.getByTestId('speed').selectOption('0');
    await page.getByTestId('run').tap();
    await finished(page);
    assert.deepEqual(await overflowing(page), []);
    for (const h of await chartHeights(page)) assert.ok(h >= 120, `chart ${h} px tall`);
    await screenshot(page, `layout-tablet-${viewport.width}x${viewport.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
