// Gives the background workers' files names that change with their
// content, as Trunk does for the page's own files but not for a worker's,
// so that a deployment behind an HTTP cache never pairs a new page with an
// old worker (another protocol, another engine). Each file is renamed after
// the SHA-256 of its content, the file that a name points to before the
// file that holds the name: the workers' Wasm module, its glue, the worker
// script. index.html names the script in `<meta name="archsim-worker">`,
// where the page finds it (src/ui/workers/mod.rs); index.html is the one
// file a deployment must not cache for long.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Renames `dir`/`stem``tail` to `stem`-<hash>`tail` after replacing, in
 * its text, each name of `renamed` (old → new); returns the new name.
 * Throws if the file does not contain a name it should. */
function nameAfterContent(dir, stem, tail, renamed = {}) {
  const file = join(dir, stem + tail);
  let body = readFileSync(file);
  for (const [from, to] of Object.entries(renamed)) {
    const text = body.toString('utf8');
    if (!text.includes(from)) throw new Error(`${stem + tail} does not name ${from}`);
    body = Buffer.from(text.split(from).join(to), 'utf8');
  }
  const name = `${stem}-${createHash('sha256').update(body).digest('hex').slice(0, 16)}${tail}`;
  writeFileSync(file, body);
  renameSync(file, join(dir, name));
  return name;
}

/** Renames the workers' files in `dir` and names the script in index.html. */
export function hashWorkerFiles(dir) {
  const wasm = nameAfterContent(dir, 'archsim-worker', '_bg.wasm');
  const glue = nameAfterContent(dir, 'archsim-worker', '.js', { 'archsim-worker_bg.wasm': wasm });
  const script = nameAfterContent(dir, 'worker', '.js', { './archsim-worker.js': `./${glue}` });
  const page = join(dir, 'index.html');
  const html = readFileSync(page, 'utf8');
  if (!html.includes('</head>')) throw new Error('index.html has no </head>');
  writeFileSync(page, html.replace('</head>', `<meta name="archsim-worker" content="${script}"></head>`));
}
