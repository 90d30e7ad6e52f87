// Loaded in a fresh `node` process: times the import of one bundle until `handler` is ready, prints JSON.
// `importStartUs`/`importEndUs` are on the monotonic clock V8's CPU profiler stamps samples with, so a
// `--cpu-prof` run can keep only the samples taken during the import.
const target = process.argv[2];
// As on Lambda: the Node.js runtime interface client patches `console` (LogPatch.patchConsole) before it
// loads the handler, so Node's console module is already loaded when a function's import starts.
globalThis.console.log;
const startNs = process.hrtime.bigint();
const start = performance.now();
const module = await import(target);
const handler = module.handler ?? module.default?.handler;
const end = performance.now();
const endNs = process.hrtime.bigint();
if (typeof handler !== 'function') {
  process.stderr.write(`${target} exports no handler\n`);
  process.exit(1);
}
process.stdout.write(
  `${JSON.stringify({
    importMs: end - start,
    readyAtMs: end,
    importStartUs: Number(startNs / 1000n),
    importEndUs: Number(endNs / 1000n),
  })}\n`,
);
