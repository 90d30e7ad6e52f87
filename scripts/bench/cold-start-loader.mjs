// Loaded in a fresh `node` process: times the import of one bundle until `handler` is ready, prints JSON.
const target = process.argv[2];
const start = performance.now();
const module = await import(target);
const handler = module.handler ?? module.default?.handler;
const end = performance.now();
if (typeof handler !== 'function') {
  process.stderr.write(`${target} exports no handler\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ importMs: end - start, readyAtMs: end })}\n`);
