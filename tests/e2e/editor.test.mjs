// The editor with real pointer events: drag components from the palette,
// connect them, edit a parameter (and be refused an invalid one), undo and
// redo, delete, reload and find the same graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, screenshot, readScenario, loadDesign, closeGalleryIfOpen, pause } from './harness.mjs';

const env = useBrowser();

const centre = async (locator) => {
  const b = await locator.boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};

async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
}

/** The autosaved scenario. */
const saved = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('archsim.scenario')));
const workersOf = async (page, id) => (await saved(page)).nodes.find((n) => n.id === id).params.workers;

test('build, edit, undo, delete and reload', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const canvas = await page.getByTestId('canvas').boundingBox();
  const spot = (fx) => ({ x: canvas.x + canvas.width * fx, y: canvas.y + 90 });

  await drag(page, await centre(page.getByTestId('palette-client')), spot(0.2));
  await drag(page, await centre(page.getByTestId('palette-load_balancer')), spot(0.5));
  await drag(page, await centre(page.getByTestId('palette-service')), spot(0.8));
  for (const id of ['clients-1', 'lb-1', 'service-1']) {
    assert.ok(await page.getByTestId(`node-${id}`).isVisible(), `node-${id} dropped`);
  }

  await drag(page, await centre(page.getByTestId('port-out-clients-1')), await centre(page.getByTestId('node-lb-1')));
  await drag(page, await centre(page.getByTestId('port-out-lb-1')), await centre(page.getByTestId('node-service-1')));
  assert.equal(await page.getByTestId('edge-clients-1-lb-1').count(), 1);
  assert.equal(await page.getByTestId('edge-lb-1-service-1').count(), 1);

  // An illegal connection is refused with its reason.
  await drag(page, await centre(page.getByTestId('port-out-service-1')), await centre(page.getByTestId('node-clients-1')));
  assert.match(await page.getByTestId('error-banner').innerText(), /nothing can call a client/);
  assert.equal(await page.getByTestId('edge-service-1-clients-1').count(), 0);

  // Edit a parameter.
  await page.getByTestId('node-service-1').click();
  const workers = page.getByTestId('param-workers');
  await workers.fill('16');
  await workers.press('Enter');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('archsim.scenario'))
    .nodes.find((n) => n.id === 'service-1').params.workers === 16);

  // An invalid value shows its reason and leaves the model unchanged.
  await workers.fill('0');
  await workers.press('Enter');
  assert.match(await page.locator('.field.invalid .field-error').innerText(), /must be 1 to 10000/);
  assert.equal(await workersOf(page, 'service-1'), 16);

  // Undo and redo the parameter edit.
  await page.getByTestId('undo').click();
  assert.equal(await workersOf(page, 'service-1'), 8);
  await page.getByTestId('redo').click();
  assert.equal(await workersOf(page, 'service-1'), 16);

  // Switch the service-time distribution: the mean is kept.
  await page.getByTestId('param-service_time.dist').selectOption('lognormal');
  const st = async () => (await saved(page)).nodes.find((n) => n.id === 'service-1').params.service_time;
  assert.deepEqual(await st(), { dist: 'lognormal', mean_ms: 20, p99_ms: 100 });
  await page.getByTestId('param-service_time.p99_ms').fill('60');
  await page.getByTestId('param-service_time.p99_ms').press('Enter');
  assert.equal((await st()).p99_ms, 60);

  // Move a node: one undoable step, snapped to the 20-unit grid.
  const before = (await saved(page)).nodes.find((n) => n.id === 'lb-1').pos;
  const lb = await centre(page.getByTestId('node-lb-1'));
  await drag(page, lb, { x: lb.x + 47, y: lb.y + 61 });
  const moved = (await saved(page)).nodes.find((n) => n.id === 'lb-1').pos;
  assert.notDeepEqual(moved, before);
  assert.equal(moved.x % 20, 0);
  assert.equal(moved.y % 20, 0);

  // Delete the client (its edge goes with it), with the keyboard.
  await page.getByTestId('node-clients-1').click();
  await page.keyboard.press('Delete');
  assert.equal(await page.getByTestId('node-clients-1').count(), 0);
  assert.equal(await page.getByTestId('edge-clients-1-lb-1').count(), 0);
  await screenshot(page, 'editor');

  // Reload: the same graph comes back.
  const graph = await saved(page);
  await page.reload();
  await page.getByTestId('node-service-1').waitFor();
  assert.deepEqual(await saved(page), graph);
  assert.equal(await page.getByTestId('node-clients-1').count(), 0);
  assert.equal(await page.getByTestId('edge-lb-1-service-1').count(), 1);
  assert.deepEqual(problems, []);
});

test('pan, zoom, rubber-band select, duplicate and the keyboard', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const box = (id) => page.getByTestId(`node-${id}`).boundingBox();
  const canvas = await page.getByTestId('canvas').boundingBox();

  // Zoom in about the centre: boxes grow by 1.25.
  const small = await box('web');
  await page.getByTestId('zoom-in').click();
  const big = await box('web');
  assert.ok(Math.abs(big.width / small.width - 1.25) < 0.01, `${small.width} → ${big.width}`);
  await page.getByTestId('fit').click();

  // Dragging the background pans the view, not the model.
  const modelBefore = await saved(page);
  const webBefore = await box('web');
  await drag(page, { x: canvas.x + 40, y: canvas.y + 40 }, { x: canvas.x + 140, y: canvas.y + 90 });
  const webAfter = await box('web');
  assert.ok(Math.abs(webAfter.x - webBefore.x - 100) < 1 && Math.abs(webAfter.y - webBefore.y - 50) < 1, 'panned');
  assert.deepEqual(await saved(page), modelBefore);

  // Shift-drag a rectangle around web and api: both selected.
  const web = await box('web');
  const api = await box('api');
  await page.keyboard.down('Shift');
  await drag(page, { x: web.x - 10, y: web.y - 30 }, { x: api.x + api.width + 10, y: api.y + api.height + 30 });
  await page.keyboard.up('Shift');
  assert.match(await page.getByTestId('node-web').getAttribute('class'), /selected/);
  assert.match(await page.getByTestId('node-api').getAttribute('class'), /selected/);
  assert.doesNotMatch(await page.getByTestId('node-db').getAttribute('class'), /selected/);

  // Ctrl+D duplicates them with the edge between them; undo removes the copies.
  await page.keyboard.press('Control+d');
  assert.equal((await saved(page)).nodes.length, 7);
  assert.equal(await page.getByTestId('edge-service-1-service-2').count(), 1);
  await page.keyboard.press('Control+z');
  assert.equal((await saved(page)).nodes.length, 5);

  // Keyboard: Tab selects the first node, arrows move it, Enter edits it.
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('Tab');
  assert.match(await page.getByTestId('node-users').getAttribute('class'), /selected/);
  const x0 = (await saved(page)).nodes[0].pos.x;
  await page.keyboard.press('ArrowRight');
  assert.equal((await saved(page)).nodes[0].pos.x, x0 + 20);
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'param-label');
  // Tab goes on through the nodes, and past the last one out of the canvas
  // (the keyboard is never trapped there); Shift+Tab comes back to it.
  await page.getByTestId('canvas').focus();
  for (let k = 0; k < 4; k++) await page.keyboard.press('Tab');
  assert.match(await page.getByTestId('node-db').getAttribute('class'), /selected/);
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.dataset.testid), 'canvas', 'Tab left the canvas');
  assert.equal(await page.locator('[data-testid^=node-].selected').count(), 0);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'canvas');

  // Select an edge by clicking it: its parameters, validated; Delete removes it.
  await page.mouse.click(...Object.values(await centre(page.getByTestId('edge-web-api'))));
  assert.match(await page.getByTestId('edge-web-api').getAttribute('class'), /selected/);
  const probability = page.getByTestId('param-probability');
  await probability.fill('0.25');
  await probability.press('Enter');
  const edgeOf = async () => (await saved(page)).edges.find((e) => e.from === 'web' && e.to === 'api');
  assert.equal((await edgeOf()).probability, 0.25);
  await probability.fill('2');
  await probability.press('Enter');
  assert.match(await page.locator('.field.invalid .field-error').innerText(), /at most 1/);
  assert.equal((await edgeOf()).probability, 0.25);
  await page.getByTestId('param-classes-write').uncheck();
  assert.deepEqual((await edgeOf()).classes, ['read', 'other']);
  // Its split: a name typed in puts it in one, an empty name takes it out
  // (and out of the file).
  const split = page.getByTestId('param-split');
  assert.equal(await split.inputValue(), '');
  await split.fill('next');
  await split.press('Enter');
  assert.equal((await edgeOf()).split, 'next');
  await split.fill('');
  await split.press('Enter');
  assert.equal('split' in (await edgeOf()), false);
  // A balancer's calls offer none: it sends each request to one backend.
  await page.mouse.click(...Object.values(await centre(page.getByTestId('edge-lb-web'))));
  assert.match(await page.getByTestId('edge-lb-web').getAttribute('class'), /selected/);
  assert.equal(await page.getByTestId('param-split').count(), 0);
  await page.mouse.click(...Object.values(await centre(page.getByTestId('edge-web-api'))));
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('Delete');
  assert.equal(await page.getByTestId('edge-web-api').count(), 0);
  assert.deepEqual(problems, []);
});

test('two tabs never silently overwrite each other', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const page of [a, b]) {
    await page.goto(env.server.url);
    await page.getByTestId('canvas').waitFor();
    await closeGalleryIfOpen(page);
  }
  // Tab A deletes the database; tab B is told, and its own work is kept
  // until it chooses.
  await a.getByTestId('node-db').click();
  await a.keyboard.press('Delete');
  await b.getByTestId('conflict-theirs').waitFor();
  assert.equal(await b.getByTestId('node-db').count(), 1, 'B still shows its own design');
  // B edits meanwhile: nothing is saved over A's design.
  await b.getByTestId('node-users').click();
  await b.keyboard.press('ArrowDown');
  const stored = await a.evaluate(() => JSON.parse(localStorage.getItem('archsim.scenario')));
  assert.equal(stored.nodes.find((n) => n.id === 'db'), undefined);
  // B loads A's design.
  await b.getByTestId('conflict-theirs').click();
  assert.equal(await b.getByTestId('node-db').count(), 0);
  await context.close();
});

test('a palette drag works while page text is selected', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const canvas = await page.getByTestId('canvas').boundingBox();
  // Everything selected (as after a triple-click or a stray drag over the
  // page): pressing on selected text would start the browser's own drag
  // of it, which takes the pointer away from ours.
  await page.evaluate(() => document.getSelection().selectAllChildren(document.body));
  await drag(page, await centre(page.getByTestId('palette-service')), { x: canvas.x + 200, y: canvas.y + 100 });
  await page.getByTestId('node-service-1').waitFor({ timeout: 2000 });
  assert.equal(await page.locator('.drag-ghost').count(), 0, 'no ghost left behind');
  // The next click on the canvas drops nothing more.
  await page.mouse.click(canvas.x + 400, canvas.y + 300);
  assert.equal((await saved(page)).nodes.filter((n) => n.id.startsWith('service-')).length, 1);
  assert.deepEqual(problems, []);
});

test('touch: drag from the palette, move a node, pinch to zoom', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByTestId('canvas').waitFor();
  await closeGalleryIfOpen(page);
  const cdp = await context.newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', {
    type, touchPoints: points.map(([x, y], id) => ({ x, y, id })),
  });
  const swipe = async (from, to) => {
    await touch('touchStart', [from]);
    for (let k = 1; k <= 8; k++) {
      await touch('touchMove', [[from[0] + (to[0] - from[0]) * k / 8, from[1] + (to[1] - from[1]) * k / 8]]);
    }
    await touch('touchEnd', []);
  };
  const c = await page.getByTestId('canvas').boundingBox();

  // One finger drags a service pool from the palette onto the canvas.
  const item = await centre(page.getByTestId('palette-service'));
  await swipe([item.x, item.y], [c.x + 200, c.y + 100]);
  await page.getByTestId('node-service-1').waitFor();

  // One finger moves it.
  const before = (await saved(page)).nodes.find((n) => n.id === 'service-1').pos;
  const n = await centre(page.getByTestId('node-service-1'));
  await swipe([n.x, n.y], [n.x + 60, n.y + 60]);
  const after = (await saved(page)).nodes.find((n) => n.id === 'service-1').pos;
  assert.ok(after.x > before.x && after.y > before.y, `${JSON.stringify(before)} → ${JSON.stringify(after)}`);

  // Two fingers spreading apart zoom in.
  const w0 = (await page.getByTestId('node-web').boundingBox()).width;
  const [cx, cy] = [c.x + c.width / 2, c.y + c.height / 2];
  await touch('touchStart', [[cx - 50, cy], [cx + 50, cy]]);
  for (let k = 1; k <= 8; k++) {
    await touch('touchMove', [[cx - 50 - k * 6, cy], [cx + 50 + k * 6, cy]]);
  }
  await touch('touchEnd', []);
  const w1 = (await page.getByTestId('node-web').boundingBox()).width;
  assert.ok(w1 / w0 > 1.4, `pinch zoom ${w0} → ${w1}`);
  await context.close();
});

test('zones: drop one, drop a node in it, move both, rename the region, delete it', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const canvas = await page.getByTestId('canvas').boundingBox();
  const spot = { x: canvas.x + canvas.width * 0.3, y: canvas.y + 140 };
  await drag(page, await centre(page.getByTestId('palette-zone')), spot);
  await page.getByTestId('zone-zone-1').waitFor();
  await drag(page, await centre(page.getByTestId('palette-service')), spot);
  const member = async () => (await saved(page)).nodes.find((n) => n.id === 'service-1');
  assert.equal((await member()).zone, 'zone-1');

  // Drag the zone by its empty top-right corner: the node comes along.
  const z = await page.getByTestId('zone-zone-1').boundingBox();
  const before = (await member()).pos;
  await drag(page, { x: z.x + z.width - 12, y: z.y + 12 }, { x: z.x + z.width - 12 + 80, y: z.y + 12 + 40 });
  const after = (await member()).pos;
  assert.ok(after.x > before.x && after.y > before.y, `${JSON.stringify(before)} → ${JSON.stringify(after)}`);

  // Click it: its region is editable.
  const z2 = await page.getByTestId('zone-zone-1').boundingBox();
  await page.mouse.click(z2.x + z2.width - 12, z2.y + 12);
  const region = page.getByTestId('param-zone-region');
  await region.fill('eu-west-1');
  await region.press('Enter');
  assert.equal((await saved(page)).zones[0].region, 'eu-west-1');
  assert.match(await page.getByTestId('region-eu-west-1').textContent(), /Region eu-west-1/);
  await screenshot(page, 'zone-in-region');

  // Delete it: the node stays, outside any zone.
  await page.getByTestId('canvas').focus();
  await page.keyboard.press('Delete');
  assert.equal(await page.getByTestId('zone-zone-1').count(), 0);
  assert.equal((await member()).zone, undefined);
  await screenshot(page, 'zones');
  assert.deepEqual(problems, []);
});

test('a 10-node design lays out in layers', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, { width: 1600, height: 900 });
  await loadDesign(page, await readScenario('benches/tiers.json'), 'audit');
  await page.getByTestId('auto-layout').click();
  // Layers follow the call chains: clients, balancer, web, then auth/api, …
  const x = async (id) => (await saved(page)).nodes.find((n) => n.id === id).pos.x;
  assert.ok(await x('web-users') < await x('lb'));
  assert.ok(await x('lb') < await x('web'));
  assert.ok(await x('web') < await x('api'));
  assert.ok(await x('api') < await x('orders'));
  assert.ok(await x('orders') < await x('db'));
  await page.getByTestId('node-api').click();
  await screenshot(page, 'editor-10-nodes');
  assert.deepEqual(problems, []);
});

test('an L7 balancer routes request classes to chosen pools', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await page.getByTestId('node-lb').click();
  await page.getByTestId('param-mode.layer').selectOption('l7');
  // Give it a second pool: lb → api.
  await drag(page, await centre(page.getByTestId('port-out-lb')), await centre(page.getByTestId('node-api')));
  await page.getByTestId('node-lb').click();
  // Writes go to api only.
  await page.getByTestId('param-route-write-web').uncheck();
  const lb = async () => (await saved(page)).nodes.find((n) => n.id === 'lb').params;
  assert.deepEqual((await lb()).mode, { layer: 'l7', routes: [{ class: 'write', targets: ['api'] }] });
  // Ticking web again removes the route (every pool serves writes).
  await page.getByTestId('param-route-write-web').check();
  assert.deepEqual((await lb()).mode, { layer: 'l7', routes: [] });
  assert.deepEqual(problems, []);
});

test('a new user builds the three-tier reference architecture and runs it', async () => {
  // Clients → load balancer → 3 service replicas → cache → database with a
  // replica, from an empty canvas, with the mouse and the inspector only.
  const { page, problems } = await openApp(env.browser, env.server.url);
  const started = Date.now();
  await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  assert.equal((await saved(page)).nodes.length, 0, 'the canvas is empty');
  const canvas = await page.getByTestId('canvas').boundingBox();
  const spot = (fx) => ({ x: canvas.x + canvas.width * fx, y: canvas.y + canvas.height * 0.4 });
  const kinds = ['client', 'load_balancer', 'service', 'cache', 'database'];
  for (const [k, kind] of kinds.entries()) {
    await drag(page, await centre(page.getByTestId(`palette-${kind}`)), spot(0.1 + 0.2 * k));
  }
  const ids = ['clients-1', 'lb-1', 'service-1', 'cache-1', 'db-1'];
  for (const [from, to] of ids.slice(0, -1).map((id, k) => [id, ids[k + 1]])) {
    await drag(page, await centre(page.getByTestId(`port-out-${from}`)), await centre(page.getByTestId(`node-${to}`)));
    assert.equal(await page.getByTestId(`edge-${from}-${to}`).count(), 1, `${from} → ${to}`);
  }
  const set = async (node, param, value) => {
    await page.getByTestId(`node-${node}`).click();
    await page.getByTestId(`param-${param}`).fill(value);
    await page.getByTestId(`param-${param}`).press('Enter');
  };
  await set('service-1', 'replicas', '3');
  await set('db-1', 'replicas', '1');
  const built = await saved(page);
  assert.equal(built.nodes.find((n) => n.id === 'service-1').params.replicas, 3);
  assert.equal(built.nodes.find((n) => n.id === 'db-1').params.replicas, 1);
  console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s of scripted gestures`);

  await page.getByTestId('speed').selectOption('10');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').innerText) > 20);
  await pause(page);
  assert.match(await page.getByTestId('node-cache-1').textContent(), /hit \d+%/);
  assert.match(await page.getByTestId('node-db-1').textContent(), /ρ \d+%/);
  await screenshot(page, 'reference-architecture');
  assert.deepEqual(problems, []);
});
