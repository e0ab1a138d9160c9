// Child process of vmContextBytes(): creates N node:vm contexts, runs the trivial script once in
// each, keeps them alive and prints the RSS and heap growth per context as JSON.
import vm from 'node:vm';

const count = Number(process.argv[2] ?? '200');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const keep: unknown[] = [];
// One context first, so lazily initialised machinery is not charged to the measured ones.
keep.push(vm.createContext({}));
await settle();
const before = process.memoryUsage();
for (let i = 0; i < count; i++) {
  const context = vm.createContext({});
  const fn = new vm.Script(`(async function () {\nreturn 1 // ${i}\n})`).runInContext(
    context,
  ) as () => Promise<unknown>;
  await fn();
  keep.push(context, fn);
}
await settle();
const after = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    rssPerContext: (after.rss - before.rss) / count,
    heapPerContext: (after.heapUsed - before.heapUsed) / count,
    kept: keep.length,
  }),
);
