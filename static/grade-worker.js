// A class-view grading worker (src/ui/workers.rs has the protocol): it runs
// the page's own Wasm module, sent by the page with the URL of its glue,
// and grades one design per message.
let ready = null;

async function start(glue, module) {
  const archsim = await import(glue);
  await archsim.default({ module_or_path: module });
  return archsim;
}

onmessage = async ({ data }) => {
  if (data.module) {
    ready = start(data.glue, data.module);
    ready.catch((e) => postMessage({ error: `a grading worker could not start: ${e}` }));
    return;
  }
  let archsim;
  try {
    archsim = await ready;
  } catch {
    return; // reported once, above
  }
  try {
    postMessage({ id: data.id, row: archsim.grade_for_class(data.link) });
  } catch (e) {
    postMessage({ id: data.id, error: String(e) });
  }
};
