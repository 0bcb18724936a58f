// The built page's files as a deployment serves them: the workers' files
// named after their content (scripts/post-build/hash-worker-files.mjs), the glue
// minified and every Subresource Integrity hash in index.html true
// (scripts/post-build/minify-glue.mjs). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from './harness.mjs';

const read = (name) => readFileSync(join(DIST, name));
const html = read('index.html').toString('utf8');

/** Asserts that `name` is `stem-<first 16 hex digits of its SHA-256>tail`. */
function namedAfterContent(name, stem, tail) {
  const m = new RegExp(`^${stem}-([0-9a-f]{16})${tail.replace('.', '\\.')}$`).exec(name);
  assert.ok(m, `${name} is ${stem}-<hash>${tail}`);
  assert.equal(m[1], createHash('sha256').update(read(name)).digest('hex').slice(0, 16), `${name} is named after its content`);
}

test('the workers\' files are named after their content, each named by the one before', () => {
  const script = /<meta name="archsim-worker" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(script, 'index.html names the worker script');
  namedAfterContent(script, 'worker', '.js');
  const glue = /from ?["']\.\/([^"']+)["']/.exec(read(script).toString('utf8'))?.[1];
  assert.ok(glue, `${script} imports the workers' glue`);
  namedAfterContent(glue, 'archsim-worker', '.js');
  const wasm = /["'](archsim-worker-[0-9a-f]{16}_bg\.wasm)["']/.exec(read(glue).toString('utf8'))?.[1];
  assert.ok(wasm, `${glue} names the workers' Wasm module`);
  namedAfterContent(wasm, 'archsim-worker', '_bg.wasm');
  const fixed = readdirSync(DIST).filter((f) => ['worker.js', 'archsim-worker.js', 'archsim-worker_bg.wasm'].includes(f));
  assert.deepEqual(fixed, [], 'no worker file is left under a fixed name');
});

test('the glue is minified and every integrity hash in index.html matches its file', () => {
  // Trunk's names carry a 64-bit hash in hex, without leading zeros.
  const glue = readdirSync(DIST).filter((f) => /^archsim-(web|worker)-[0-9a-f]+\.js$/.test(f));
  assert.equal(glue.length, 2, `the page's and the workers' glue: ${glue}`);
  for (const name of glue) {
    const text = read(name).toString('utf8');
    assert.ok(!/\n {4}/.test(text), `${name} is minified (no indented lines)`);
  }
  const named = [...html.matchAll(/href="?\/([^"\s>]+)"?[^>]*?integrity="?(sha384-[A-Za-z0-9+/=]+)/g)];
  assert.ok(named.length >= 3, `index.html gives integrity hashes (the glue, the Wasm, the CSS): ${named.length}`);
  for (const [, name, integrity] of named) {
    assert.equal(integrity, `sha384-${createHash('sha384').update(read(name)).digest('base64')}`, `${name}'s integrity hash`);
  }
});
