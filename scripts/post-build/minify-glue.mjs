// Minifies the JavaScript glue that wasm-bindgen writes beside each Wasm
// module (Trunk's own `minify` does the HTML and CSS; its JavaScript
// minifier cannot read the glue and leaves it), with terser from the npm
// tools (`scripts/setup` installs it, `scripts/env.sh` puts it on PATH),
// and updates the Subresource Integrity hash index.html gives a file it
// names: the browser refuses a file that does not match it.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Minifies each module's glue in `dir` (`x_bg.wasm` → `x.js`).
 * Throws if terser fails or index.html names a glue file without an
 * integrity hash this step can read. */
export function minifyGlue(dir) {
  const page = join(dir, 'index.html');
  let html = readFileSync(page, 'utf8');
  const glue = readdirSync(dir)
    .filter((f) => f.endsWith('_bg.wasm'))
    .map((f) => f.replace(/_bg\.wasm$/, '.js'));
  for (const name of glue) {
    const file = join(dir, name);
    execFileSync('terser', [file, '--module', '--compress', '--mangle', '--output', file], { stdio: 'inherit' });
    const integrity = `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
    // `href=/x.js … integrity=sha384-…`, quoted or not (Trunk minifies the page).
    const named = new RegExp(`(href="?/${name.replace(/\./g, '\\.')}"?[^>]*?integrity=)"?sha384-[A-Za-z0-9+/=]+"?`);
    if (html.includes(`/${name}`) && !named.test(html)) {
      throw new Error(`index.html names ${name} without an integrity hash`);
    }
    html = html.replace(named, `$1"${integrity}"`);
  }
  writeFileSync(page, html);
}
