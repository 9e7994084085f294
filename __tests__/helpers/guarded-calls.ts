/**
 * Runs a function over many inputs in a worker thread under a time limit, so a call that never
 * returns fails the test (with the input that hung) instead of hanging the suite.
 */
import { buildSync } from "esbuild";
import { Worker } from "node:worker_threads";

/** What {@link callEachGuarded} found. */
export interface GuardedRun<R> {
  /** Results of the calls that returned, in input order (all of them unless one hung). */
  readonly results: readonly R[];
  /** The call that did not return within the time limit: its index and input. */
  readonly hung?: { readonly index: number; readonly input: string };
}

/** Options of {@link callEachGuarded}. */
export interface GuardedOptions {
  /** TypeScript module that exports the function (bundled with esbuild for the worker). */
  readonly entry: string;
  /** Name of the exported function; it is called as `fn(input, ...args)`. */
  readonly exportName: string;
  /** Extra arguments after the input; structured-cloneable (a Set works). */
  readonly args?: readonly unknown[];
  /** Time limit for all calls together, in ms. */
  readonly timeoutMs: number;
}

/**
 * Calls `fn(input, ...args)` for every input, in order, in a worker thread. The worker writes the
 * index of the call in progress into shared memory; if the calls have not all returned after
 * `timeoutMs`, the worker is terminated and the call in progress is reported as hung.
 *
 * @throws Error when the worker fails (a call threw, or the module did not load).
 */
export async function callEachGuarded<R>(
  inputs: readonly string[],
  options: GuardedOptions,
): Promise<GuardedRun<R>> {
  const bundle = buildSync({
    entryPoints: [options.entry],
    bundle: true,
    format: "iife",
    globalName: "guarded",
    platform: "node",
    write: false,
  }).outputFiles[0]!.text;
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const code = `${bundle}
const { workerData, parentPort } = require("node:worker_threads");
const fn = guarded[workerData.exportName];
const progress = workerData.progress;
const results = [];
for (let index = 0; index < workerData.inputs.length; index++) {
  Atomics.store(progress, 0, index);
  results.push(fn(workerData.inputs[index], ...workerData.args));
}
parentPort.postMessage(results);
`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { inputs, args: options.args ?? [], exportName: options.exportName, progress },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<GuardedRun<R>>((resolve, reject) => {
      worker.once("message", (results: R[]) => resolve({ results }));
      worker.once("error", reject);
      timer = setTimeout(() => {
        const index = Atomics.load(progress, 0);
        resolve({ results: [], hung: { index, input: inputs[index]! } });
      }, options.timeoutMs);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
