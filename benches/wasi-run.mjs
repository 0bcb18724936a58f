// Runs the engine benchmark compiled for wasm32-wasip1 under Node's WASI:
// node benches/wasi-run.mjs ENGINE.wasm CASE
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [file, benchCase] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['engine', benchCase], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
