// Grading for the exercise: a copy whose rules were weakened may pass in
// practice but never for the exercise (in the page and in `archsim
// check`); a short link opens an exercise; a solution passes and the
// gallery remembers it; New design and rename; the participant's name
// travels in the link; a damaged link says so in plain words; a link's QR
// code scans back to the link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { useBrowser, openApp, screenshot, readScenario, loadDesign, rolesStarted, backgroundWorkers } from './harness.mjs';

const env = useBrowser();

const finished = (page) => page.waitForFunction(
  () => document.querySelector('.status').innerText.toLowerCase() === 'finished', null, { timeout: 120_000 });
const verdictStatus = (page) => page.getByTestId('exercise-verdict').getAttribute('data-status');
const graded = (page) => page.waitForFunction(
  () => document.querySelector('[data-testid=exercise-verdict]')?.dataset.status !== 'pending', null,
  { timeout: 120_000 });

/** The text of the QR code on screen, read by jsQR from its pixels. */
async function scanQr(page) {
  const { width, height, pixels } = await page.evaluate(async () => {
    const svg = document.querySelector('[data-testid=qr-code]');
    const side = 720;
    const image = new Image();
    image.src = `data:image/svg+xml;base64,${btoa(new XMLSerializer().serializeToString(svg))}`;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: side, height: side });
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0, side, side);
    // The pixels as base64: a plain array of millions of numbers is slow to pass.
    const bytes = context.getImageData(0, 0, side, side).data;
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { width: side, height: side, pixels: btoa(binary) };
  });
  return jsQR(new Uint8ClampedArray(Buffer.from(pixels, 'base64')), width, height)?.data;
}

/** `archsim check` on one link; its exit status and output. */
function check(link, ...flags) {
  const out = spawnSync('cargo', ['run', '--quiet', '--bin', 'archsim', '--', 'check', ...flags, link],
    { encoding: 'utf8' });
  return { status: out.status, text: out.stdout + out.stderr };
}

test('zone-outage without its zone and with a loose target: practice passes, the exercise fails', async () => {
  // The short link opens the shipped exercise (pasted into the open page).
  const { page, problems } = await openApp(env.browser, env.server.url, undefined, { closeGallery: false });
  await page.goto(`${env.server.url}#x=zone-outage`);
  await page.getByTestId('node-api-a').waitFor();
  assert.match(await page.locator('.scenario-title').innerText(), /zone outage/i);

  // Delete the zone (its outage goes with it) and loosen the p99 target.
  const z = await page.getByTestId('zone-eu-west-1a').boundingBox();
  await page.mouse.click(z.x + z.width - 12, z.y + 12);
  await page.keyboard.press('Delete');
  assert.equal(await page.getByTestId('zone-eu-west-1a').count(), 0);
  await page.getByTestId('objective-target-1').fill('5000');
  await page.getByTestId('objective-target-1').press('Enter');
  // The copy says what it changed, in the exercise panel and the checklist.
  assert.match(await page.getByTestId('rule-changes').innerText(), /removed from the fault script: at 40 s: zone eu-west-1a crash/);
  assert.match(await page.getByTestId('rule-changes').innerText(), /target now 5000 ms/);
  assert.equal(await page.getByTestId('practice').count(), 1);

  await page.getByTestId('speed').selectOption('0');
  await page.getByTestId('run').click();
  await finished(page);
  // Practice: no outage, a loose target: every objective of the copy passes.
  for (let n = 0; n < 3; n++) {
    assert.equal(await page.getByTestId(`objective-${n}`).getAttribute('data-status'), 'pass', `objective ${n}`);
  }
  // The exercise verdict is graded at the end of the run, and fails.
  await graded(page);
  assert.equal(await verdictStatus(page), 'fail');
  const verdict = await page.getByTestId('exercise-verdict').innerText();
  assert.match(verdict, /cannot run on this design/);
  assert.match(verdict, /zone eu-west-1a/);
  assert.match(await page.getByTestId('exercise-changes').innerText(), /removed from the fault script/);
  await screenshot(page, 'exercise-verdict-weakened');

  // The same design's link fails `archsim check` by default, passes with --own.
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-url').inputValue();
  assert.match(link, /#s=3\./);
  const strict = check(link);
  assert.equal(strict.status, 1, strict.text);
  assert.match(strict.text, /exercise zone-outage\): fails/);
  assert.equal(check(link, '--own').status, 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a solution passes for the exercise in every seed; the gallery marks it solved and suggests the next', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  const shipped = await readScenario('scenarios/load-balanced.json');
  await loadDesign(page, shipped, 'api');
  // A solution is offered once the exercise was tried: grade the copy first.
  assert.equal(await page.getByTestId('show-solution').count(), 0);
  await page.getByTestId('grade-exercise').click();
  await graded(page);
  assert.equal(await verdictStatus(page), 'fail');
  assert.match(await page.getByTestId('exercise-summary').innerText(), /fails: passes in 0 of 5 seeds/);

  await page.getByTestId('show-solution').click();
  // The seeds run on background workers, the page only draws.
  const roles = rolesStarted(page);
  await page.getByTestId('grade-exercise').click();
  // The page stays responsive while it grades: no frame over 50 ms.
  await page.evaluate(() => {
    window.longest_ = 0;
    let last = performance.now();
    const tick = (t) => { window.longest_ = Math.max(window.longest_, t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await graded(page);
  // Frames come in steps of the 16.7 ms display refresh: 50 ms is three.
  const longest = await page.evaluate(() => window.longest_);
  assert.ok(longest <= 50.1, `a frame took ${longest.toFixed(1)} ms while grading`);
  assert.ok((await roles()).includes('pool'), 'the seeds were graded on the page\'s main thread');
  assert.equal(await verdictStatus(page), 'pass');
  assert.match(await page.getByTestId('exercise-summary').innerText(), /passes in 5 of 5 seeds/);
  assert.match(await page.getByTestId('next-exercise').innerText(), /.+/);
  await screenshot(page, 'exercise-solved');

  await page.getByTestId('presets').click();
  assert.equal(await page.getByTestId('progress-load-balanced').innerText(), 'solved');
  await page.getByTestId('gallery-close').click();
  assert.deepEqual(problems, []);
  await page.close();
});

test('New design, rename, and the participant\'s name in the link', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  await page.getByTestId('new-design').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^=node-]').length === 0);
  assert.equal(await page.getByTestId('exercise-verdict').count(), 0);
  await page.getByTestId('design-title').fill('Team 3: checkout');
  await page.getByTestId('design-title').press('Enter');
  await page.getByTestId('design-story').fill('Our checkout, before the sale.');
  await page.getByTestId('design-story').blur();
  assert.equal(await page.locator('.scenario-title').innerText(), 'Team 3: checkout');
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  assert.equal((await download).suggestedFilename(), 'team-3-checkout.json');

  await page.getByTestId('share').click();
  await page.getByTestId('participant').fill('Ada Lovelace');
  await page.getByTestId('participant').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=share-url]').value.length > 0);
  const link = await page.getByTestId('share-url').inputValue();
  // The name is in the link (the check reads it back), and kept for next time.
  const out = check(link, '--csv');
  assert.match(out.text, /Ada Lovelace/);
  await page.reload();
  await page.getByTestId('share').click();
  assert.equal(await page.getByTestId('participant').inputValue(), 'Ada Lovelace');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a damaged link says so in plain words, with the details behind a toggle', async () => {
  const { page } = await openApp(env.browser, env.server.url);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-url').inputValue();
  const data = link.split('#s=3.')[1];
  // One character changed in the middle: the checksum refuses it.
  const i = Math.floor(data.length / 2);
  const damaged = `${data.slice(0, i)}${data[i] === 'A' ? 'B' : 'A'}${data.slice(i + 1)}`;
  await page.goto(`${env.server.url}#s=3.${damaged}`);
  const banner = page.getByTestId('error-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /^This link is damaged or cut short: it was not opened/);
  assert.equal(await banner.locator('details').count(), 1);
  await page.close();
});

test('the class view grades 30 links on workers without a frame over 50 ms; its CSV is `archsim check --csv`\'s', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url);
  // 30 participants' designs: the solutions of six exercises and weakened
  // copies, each signed with a name, as the page would link them.
  const slugs = ['single-server', 'master-master', 'failover-lost-writes', 'consumer-lag', 'load-balanced', 'zone-outage'];
  const links = [];
  for (let n = 0; n < 30; n++) {
    const slug = slugs[n % slugs.length];
    const design = await readScenario(n % 4 === 3 ? `scenarios/${slug}.json` : `scenarios/solutions/${slug}.json`);
    design.participant = `Participant ${n + 1}`;
    links.push(`${env.server.url}#s=3.${deflateSync(JSON.stringify(design)).toString('base64url')}`);
  }
  await page.getByTestId('class-view').click();
  await page.getByTestId('class-links').fill(links.join('\n'));
  await page.evaluate(() => {
    window.longest_ = 0;
    let last = performance.now();
    const tick = (t) => { window.longest_ = Math.max(window.longest_, t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.getByTestId('class-grade').click();
  await page.waitForFunction(() => /^30 of 30 graded/.test(document.querySelector('[data-testid=class-progress]').innerText),
    null, { timeout: 300_000 });
  // Frames come in steps of the 16.7 ms display refresh: 50 ms is three.
  const longest = await page.evaluate(() => window.longest_);
  assert.ok(longest <= 50.1, `a frame took ${longest.toFixed(1)} ms while grading`);
  // The grading ran on a pool of module workers, one per core but one (at
  // least 1, at most 8).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const workers = await backgroundWorkers(page, 'pool');
  assert.equal(workers.length, Math.min(Math.max(cores - 1, 1), 8));
  assert.equal(await page.getByTestId('class-table').locator('tbody tr').count(), 30);
  assert.match(await page.getByTestId('class-progress').innerText(), /23 pass/);

  // The CSV equals the CLI's for the same list, digests and all.
  const download = page.waitForEvent('download');
  await page.getByTestId('class-csv').click();
  const csv = await readFile(await (await download).path(), 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'archsim-class-'));
  await writeFile(join(dir, 'links.txt'), links.join('\n'));
  const cli = spawnSync('cargo', ['run', '--quiet', '--bin', 'archsim', '--', 'check', '--csv', '--list', join(dir, 'links.txt')],
    { encoding: 'utf8' });
  assert.equal(csv, cli.stdout);

  // Sorting by participant puts Participant 1 … 30 in text order.
  await page.getByTestId('class-sort-1').click();
  assert.match(await page.getByTestId('class-table').locator('tbody tr').first().innerText(), /Participant 1\b/);
  await screenshot(page, 'class-view');
  // Closing the dialog terminates its workers (the run's own stays).
  await page.getByTestId('class-close').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=class-dialog]'));
  for (let i = 0; i < 50 && (await backgroundWorkers(page, 'pool')).length > 0; i++) await page.waitForTimeout(100);
  assert.equal((await backgroundWorkers(page, 'pool')).length, 0);
  assert.equal((await backgroundWorkers(page, 'live run')).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the QR code of a link scans back to it: the short link of an exercise as shipped, else the full link', async () => {
  const { page, problems } = await openApp(env.browser, env.server.url, { width: 1920, height: 1080 },
    { closeGallery: false });
  await page.goto(`${env.server.url}#x=zone-outage`);
  await page.getByTestId('node-api-a').waitFor();
  await page.getByTestId('share').click();
  await page.getByTestId('share-qr').click();
  await page.getByTestId('qr-code').waitFor();
  assert.equal(await scanQr(page), `${env.server.url}#x=zone-outage`);
  // Large enough for a projector: most of the window's height.
  const box = await page.getByTestId('qr-code').boundingBox();
  assert.ok(box.height >= 700, `the QR code is ${box.height} px tall`);
  await screenshot(page, 'qr-code');
  await page.keyboard.press('Escape');
  await page.getByTestId('qr-dialog').waitFor({ state: 'detached' });

  // An edited design has no short link: the QR code holds the full link.
  await page.getByTestId('node-api-a').click();
  await page.keyboard.press('Delete');
  await page.getByTestId('node-api-a').waitFor({ state: 'detached' });
  const full = await page.getByTestId('share-url').inputValue();
  assert.match(full, /#s=3\./);
  await page.getByTestId('share-qr').click();
  await page.getByTestId('qr-code').waitFor();
  assert.equal(await scanQr(page), full);
  assert.deepEqual(problems, []);
  await page.close();
});
