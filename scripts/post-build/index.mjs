// Trunk's post-build hook (Trunk.toml): finishes the page in Trunk's
// staging directory, one step after the other (Trunk runs the hooks of a
// stage at the same time, and each step rewrites index.html):
// 1. release builds: minify the wasm-bindgen glue (minify-glue.mjs);
// 2. name the workers' files after their content (hash-worker-files.mjs);
// 3. move inline scripts into files, for the CSP (extract-inline-scripts.mjs).
import { minifyGlue } from './minify-glue.mjs';
import { hashWorkerFiles } from './hash-worker-files.mjs';
import { extractInlineScripts } from './extract-inline-scripts.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post-build: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(1);
}
try {
  if (process.env.TRUNK_PROFILE === 'release') minifyGlue(dir);
  hashWorkerFiles(dir);
  extractInlineScripts(dir);
} catch (e) {
  console.error(`post-build: ${e.message}`);
  process.exit(1);
}
