// Workshops: the first visit's gallery, presets with their objectives
// graded live, share links (and damaged ones), files in and out, recent
// designs, presentation mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { useBrowser, openApp, screenshot, readScenario, loadDesign } from './harness.mjs';

const env = useBrowser();

const finished = (page) => page.waitForFunction(
  () => document.querySelector('.status').innerText.toLowerCase() === 'finished', null, { timeout: 120_000 });
const status = (page, n) => page.getByTestId(`objective-${n}`).getAttribute('data-status');

test('first visit: the gallery, one click on a preset, one on Run, objectives graded', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, undefined, { closeGallery: false });
  await page.getByTestId('gallery').waitFor();
  assert.ok(await page.locator('[data-testid^=preset-]').count() >= 12);
  assert.match(await page.getByTestId('preset-failover-lost-writes').innerText(), /intermediate/);
  await screenshot(page, 'gallery');

  // Two clicks from the page to a running simulation.
  await page.getByTestId('preset-failover-lost-writes').click();
  assert.equal(await page.getByTestId('gallery').count(), 0);
  assert.match(await page.locator('.scenario-title').innerText(), /Synchronous vs asynchronous failover/);
  assert.equal(await status(page, 0), 'pending');
  assert.match(await page.getByTestId('exercise').innerText(), /at 60 s: db replica 0 crash/);
  // One availability target in view: the exercise's objective (0.8), not
  // the SLO, in the error budget and on the availability chart.
  const budgetLabel = page.locator('.readout', { has: page.getByTestId('metric-error-budget') }).locator('.readout-label');
  assert.equal(await budgetLabel.innerText(), 'Error budget left (objective 80%)');
  assert.match(await page.getByTestId('chart-availability').locator('xpath=..').innerText(), /objective/);
  await page.getByTestId('run').click();
  await page.getByTestId('speed').selectOption('0');
  await finished(page);
  // The asynchronous failover loses acknowledged writes: the objective
  // fails and says so; latency before the crash passes.
  assert.equal(await status(page, 0), 'fail');
  assert.match(await page.getByTestId('objective-0').innerText(), /lost writes \d+ > 0/);
  // The verdicts are announced to screen readers as the run finishes.
  const shown = await page.locator('[data-testid^=objective-][data-status]').evaluateAll(
    (els) => [els.filter((e) => e.dataset.status === 'pass').length, els.length]);
  assert.equal(await page.getByTestId('run-announcement').innerText(), `Run finished: ${shown[0]} of ${shown[1]} objectives pass`);
  assert.equal(await status(page, 1), 'pass');
  await screenshot(page, 'preset-graded');

  // The facilitator loosens the target: the finished run is graded anew.
  await page.getByTestId('objective-target-0').fill('1000');
  await page.getByTestId('objective-target-0').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=objective-0]').dataset.status === 'pass');
  // An impossible target is refused with its path; one more objective can
  // be added and removed.
  await page.getByTestId('objective-target-1').fill('-5');
  await page.getByTestId('objective-target-1').press('Enter');
  assert.match(await page.getByTestId('error-banner').innerText(), /objectives\[1\]\.target/);
  await page.getByTestId('objective-add').selectOption({ label: 'consumer lag' });
  await page.getByTestId('objective-3').waitFor();
  await page.getByTestId('objective-remove-3').click();
  assert.equal(await page.getByTestId('objective-3').count(), 0);

  // The preset itself is unchanged: editing the copy and reopening the
  // preset gives the original back.
  await page.getByTestId('node-db').click();
  await page.getByTestId('param-label').fill('My DB');
  await page.getByTestId('param-label').press('Enter');
  await page.getByTestId('presets').click();
  await page.getByTestId('preset-failover-lost-writes').click();
  assert.match(await page.getByTestId('node-db').textContent(), /Orders DB/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a design that meets its objectives passes them all', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const answer = await readScenario('scenarios/failover-lost-writes.json');
  answer.nodes.find((n) => n.id === 'db').params.replication = { mode: 'semi_sync', acks: 1 };
  await loadDesign(page, answer, 'db');
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await finished(page);
  for (let n = 0; n < answer.objectives.length; n++) assert.equal(await status(page, n), 'pass', `objective ${n}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an open share link follows every edit: a stale link cannot be handed in', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await page.getByTestId('share').click();
  const before = await page.getByTestId('share-url').inputValue();
  // Edit after Share: delete the starter's database pool.
  await page.getByTestId('node-db').click();
  await page.keyboard.press('Delete');
  await page.waitForFunction((old) => document.querySelector('[data-testid=share-url]').value !== old, before);
  const after = await page.getByTestId('share-url').inputValue();
  // The link now opens the edited design.
  const other = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await other.goto(after);
  await other.getByTestId('node-api').waitFor();
  assert.equal(await other.getByTestId('node-db').count(), 0);
  // Undo brings the first link back, exactly.
  await page.getByTestId('undo').click();
  await page.waitForFunction((old) => document.querySelector('[data-testid=share-url]').value === old, before);
  await other.close();
  assert.deepEqual(problems, []);
});

test('a share link opens the same design, and the same run, in another browser', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await page.getByTestId('presets').click();
  await page.getByTestId('preset-retry-storm').click();
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  assert.ok(url.startsWith(env.server.url) && /#s=3\.[A-Za-z0-9_-]+$/.test(url), url);
  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await finished(page);
  const digest = await page.getByTestId('digest').innerText();
  // The page ran the preset exactly as the native CLI does.
  const cli = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--bin', 'archsim', '--', 'run',
    'scenarios/retry-storm.json'], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' }));
  assert.equal(digest, cli.digest);

  // A participant opens the link: no gallery, the same design and run.
  const other = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await other.goto(url);
  await other.getByTestId('node-inventory').waitFor();
  assert.equal(await other.getByTestId('gallery').count(), 0);
  assert.equal(new URL(other.url()).hash, '', 'the link is consumed: a reload shows the autosave');
  await other.getByTestId('speed').selectOption('0');
  await other.getByTestId('run').click();
  await finished(other);
  assert.equal(await other.getByTestId('digest').innerText(), digest);
  await other.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('damaged, future and invalid links say what is wrong and keep the work', async () => {
  const { page } = await openApp(env.browser, env.server.url);
  const mine = await readScenario('scenarios/cache-aside.json');
  mine.title = 'My cache design';
  await loadDesign(page, mine, 'cache');
  const golden = (await readFile(new URL('../golden/v1-three-tier.link', import.meta.url), 'utf8')).trim();
  const data = golden.split('#s=1.')[1];
  const cases = [
    [`#s=2.${data.slice(0, 40)}`, /damaged or cut short|not base64url/],
    ['#s=7.abcdef', /newer ArchSim/],
    ['#s=2.%%%', /damaged/],
  ];
  for (const [fragment, message] of cases) {
    await page.goto(env.server.url + fragment);
    await page.getByTestId('error-banner').waitFor();
    assert.match(await page.getByTestId('error-banner').innerText(), message, fragment);
    assert.equal(await page.getByTestId('node-cache').count(), 1, 'the current design stays');
  }
  // A link made by the first release still opens (migrated).
  await page.goto(env.server.url + '#s=1.' + data);
  await page.getByTestId('node-web').waitFor();
  assert.equal(await page.getByTestId('error-banner').count(), 0);
  // The design it replaced is in the recent designs.
  await page.getByTestId('presets').click();
  assert.match(await page.getByTestId('recent-0').innerText(), /My cache design/);
  await page.getByTestId('recent-0').click();
  await page.getByTestId('node-cache').waitFor();
  // A link pasted into the address bar of the open page opens too.
  await page.evaluate((link) => { location.hash = link; }, 's=1.' + data);
  await page.getByTestId('node-web').waitFor();
  assert.equal(await page.getByTestId('node-cache').count(), 0);
  await page.close();
});

test('export and import a design as a file; a bad file is refused', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  assert.equal(download.suggestedFilename(), 'three-tier-web-application.json');
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(exported.title, 'Three-tier web application');
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const text = await readFile(await svg.path(), 'utf8');
  assert.match(text, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(text, /data-testid="node-web"/);

  await page.getByTestId('import').setInputFiles({
    name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 2, "nodes": [{"id": '),
  });
  await page.getByTestId('error-banner').waitFor();
  assert.match(await page.getByTestId('error-banner').innerText(), /broken.json: .*line 1/);
  assert.equal(await page.getByTestId('node-web').count(), 1, 'the current design stays');

  const zone = await readFile(new URL('../../scenarios/zone-outage.json', import.meta.url));
  await page.getByTestId('import').setInputFiles({ name: 'zone-outage.json', mimeType: 'application/json', buffer: zone });
  await page.getByTestId('node-api-a').waitFor();
  // Undo brings the previous design back.
  await page.getByTestId('undo').click();
  await page.getByTestId('node-web').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('presentation mode: larger type', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, { width: 1920, height: 1080 });
  const size = () => page.locator('.app').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const before = await size();
  await page.getByTestId('presentation').click();
  assert.ok(await size() >= before * 1.2, 'type grows');
  assert.equal(await page.getByTestId('presentation').getAttribute('aria-pressed'), 'true');
  await screenshot(page, 'presentation');
  assert.deepEqual(problems, []);
  await page.close();
});
