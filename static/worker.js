// A background worker (src/ui/workers.rs has the protocol): it runs the
// page's own Wasm module, sent by the page with the URL of its glue, and
// does one job per message: grade a class-view link, or run one seed of a
// design to its end.
let ready = null;

async function start(glue, module) {
  const archsim = await import(glue);
  await archsim.default({ module_or_path: module });
  return archsim;
}

onmessage = async ({ data }) => {
  if (data.module) {
    ready = start(data.glue, data.module);
    ready.catch((e) => postMessage({ error: `a worker could not start: ${e}` }));
    return;
  }
  let archsim;
  try {
    archsim = await ready;
  } catch {
    return; // reported once, above
  }
  try {
    postMessage({ id: data.id, result: archsim.work(data.job) });
  } catch (e) {
    postMessage({ id: data.id, error: String(e) });
  }
};
