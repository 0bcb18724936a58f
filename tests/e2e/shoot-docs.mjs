// Screenshots for docs/screenshots/: an exercise after its run, at the
// three screens a workshop uses (1280×800 laptop, 1920×1080 projector in
// Present mode, 390×844 phone). Run: node tests/e2e/shoot-docs.mjs
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveDist } from './harness.mjs';

const out = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../docs/screenshots');
const screens = [
  { name: 'laptop-1280x800', viewport: { width: 1280, height: 800 } },
  { name: 'projector-1920x1080', viewport: { width: 1920, height: 1080 }, present: true },
  { name: 'phone-390x844', viewport: { width: 390, height: 844 }, mobile: true },
];

const server = await serveDist();
const browser = await launch();
try {
  for (const { name, viewport, present, mobile } of screens) {
    const page = await browser.newPage({ viewport, isMobile: mobile, hasTouch: mobile });
    await page.goto(server.url);
    await page.getByTestId('preset-zone-outage').click();
    if (present) await page.getByTestId('presentation').click();
    await page.getByTestId('speed').selectOption('0');
    await page.getByTestId('run').click();
    await page.waitForFunction(() => document.querySelector('.status')?.innerText === 'finished' || document.querySelector('.status')?.innerText === 'FINISHED', null, { timeout: 60_000 });
    await page.screenshot({ path: `${out}/${name}.png`, fullPage: mobile });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
