// Benchmark (not a test): runs the engine benchmark compiled for
// wasm32-wasip1 in headless Chromium, whose V8 is the one users' pages
// run on (Node's may be older):
//   node tests/e2e/bench-wasi.mjs ENGINE.wasm CASE...
// The page provides the few WASI calls the benchmark makes: its arguments,
// clocks, random bytes, stdout; no files (peak memory reads "n/a").
import { readFile } from 'node:fs/promises';
import { launch } from './harness.mjs';

const [file, ...cases] = process.argv.slice(2);
const bytes = (await readFile(file)).toString('base64');
const browser = await launch();
const page = await browser.newPage();
for (const benchCase of cases) {
  const out = await page.evaluate(async ({ bytes, benchCase }) => {
    const EBADF = 8;
    const args = ['engine', benchCase].map((a) => new TextEncoder().encode(`${a}\0`));
    let memory;
    let out = '';
    const view = () => new DataView(memory.buffer);
    const wasi = {
      args_sizes_get: (count, size) => {
        view().setUint32(count, args.length, true);
        view().setUint32(size, args.reduce((n, a) => n + a.length, 0), true);
        return 0;
      },
      args_get: (argv, buf) => {
        for (const [i, a] of args.entries()) {
          view().setUint32(argv + 4 * i, buf, true);
          new Uint8Array(memory.buffer, buf, a.length).set(a);
          buf += a.length;
        }
        return 0;
      },
      environ_sizes_get: (count, size) => {
        view().setUint32(count, 0, true);
        view().setUint32(size, 0, true);
        return 0;
      },
      environ_get: () => 0,
      clock_time_get: (_id, _precision, time) => {
        const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
        view().setBigUint64(time, ns, true);
        return 0;
      },
      random_get: (buf, len) => {
        crypto.getRandomValues(new Uint8Array(memory.buffer, buf, len));
        return 0;
      },
      fd_write: (fd, iovs, count, written) => {
        let n = 0;
        for (let i = 0; i < count; i++) {
          const [ptr, len] = [view().getUint32(iovs + 8 * i, true), view().getUint32(iovs + 8 * i + 4, true)];
          if (fd === 1 || fd === 2) out += new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len));
          n += len;
        }
        view().setUint32(written, n, true);
        return 0;
      },
      proc_exit: (code) => {
        throw new Error(`exit ${code}`);
      },
    };
    for (const name of ['fd_close', 'fd_fdstat_get', 'fd_filestat_get', 'fd_prestat_get', 'fd_prestat_dir_name',
      'fd_read', 'path_open']) {
      wasi[name] = () => EBADF;
    }
    const binary = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const { instance } = await WebAssembly.instantiate(binary, { wasi_snapshot_preview1: wasi });
    memory = instance.exports.memory;
    try {
      instance.exports._start();
    } catch (e) {
      if (!String(e.message).startsWith('exit 0')) throw e;
    }
    return out;
  }, { bytes, benchCase });
  process.stdout.write(out);
}
await browser.close();
