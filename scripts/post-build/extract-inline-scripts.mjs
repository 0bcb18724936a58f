// Moves the inline <script> blocks Trunk writes into index.html (the Wasm
// loader, and the live-reload client under `trunk serve`) into files of
// their own, so the page's Content-Security-Policy can allow scripts from
// 'self' only, with no 'unsafe-inline'.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Extracts the inline scripts of `dir`/index.html. */
export function extractInlineScripts(dir) {
  const page = join(dir, 'index.html');
  // Quoted or, in a minified page, bare: `type="module"` or `type=module`.
  const html = readFileSync(page, 'utf8').replace(
    /<script(\s+type="?module"?)?\s*>([\s\S]*?)<\/script>/g,
    (_, module, body) => {
      const name = `boot-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`;
      writeFileSync(join(dir, name), body);
      return `<script${module ? ' type="module"' : ''} src="/${name}"></script>`;
    },
  );
  writeFileSync(page, html);
}
