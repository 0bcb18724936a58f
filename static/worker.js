// A background worker (src/ui/workers/ has the protocol): it runs the
// workers' own Wasm module (src/worker.rs, the engine built for speed),
// fetched beside this script, and does one job per message, in the order
// they come: grade a class-view link, run one seed of a design to its
// end, or carry out a command of the live run it holds. Messages that
// come while the module loads wait for it.
import init, { work } from './archsim-worker.js';

const ready = init();
ready.catch((e) => postMessage({ error: `a worker could not start: ${e}` }));

onmessage = async ({ data }) => {
  try {
    await ready;
  } catch {
    return; // reported once, above
  }
  try {
    postMessage({ id: data.id, result: work(data.job) });
  } catch (e) {
    postMessage({ id: data.id, error: String(e) });
  }
};
