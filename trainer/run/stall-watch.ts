/**
 * Tells the user when a training step does not come back. A step runs synchronously in WebAssembly, so while it runs
 * the event loop is blocked: Ctrl-C and `kill` (stop-signals.ts) are only seen after it returns, and a step that
 * never returns (the 4 GiB wasm heap thrashing, as bCR with WGAN-GP at batch 64 once did) looks like a silent hang.
 *
 * A worker thread, whose event loop is free, watches the process's CPU time (not wall time, so a run paused with
 * SIGSTOP or starved by other processes is not taken for a stall) and writes straight to stderr (fd 2; a worker's
 * `process.stderr` goes through the blocked main thread) when a step has used far more CPU than the steps before it:
 * what it saw, that only SIGKILL stops the process now, and where `--resume` continues from. It never stops the run.
 */
import { Worker } from 'node:worker_threads';

export interface StallWatchOptions {
  /** A step is reported once it used this many times the median CPU time of the steps before it. Default 10. */
  factor?: number;
  /** …and at least this many CPU seconds. Default 60. */
  minSeconds?: number;
  /** Limit for a step with no earlier steps to compare against (the first one, with its warm-up). Default 600. */
  firstStepSeconds?: number;
  /** How often the worker looks, in milliseconds. Default 5000. */
  pollMs?: number;
  /** The checkpoint file `--resume` reads, named in the message. */
  ckptPath: string;
}

export interface StallWatch {
  /** Call before a step: `lastSaved` is the step of the checkpoint on disk (undefined = none yet). */
  stepStarted(step: number, lastSaved: number | undefined): void;
  /** Call when the step returned. */
  stepEnded(): void;
  /** Ends the worker. */
  stop(): void;
}

/** Slots of the shared array. */
const SLOT = { inStep: 0, step: 1, cpuAtStart: 2, limit: 3, lastSaved: 4, median: 5 } as const;
const SLOTS = Object.keys(SLOT).length;

/** How many recent steps the median looks at. */
const WINDOW = 25;

/** CPU seconds of the whole process (all threads), as the worker reads them too. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const s = new Float64Array(workerData.shared);
const { ckptPath, pollMs, pid } = workerData;
let warnedStep = -1, nextLimit = 0;
setInterval(() => {
  if (s[${SLOT.inStep}] !== 1) return;
  const step = s[${SLOT.step}];
  const u = process.cpuUsage();
  const used = (u.user + u.system) / 1e6 - s[${SLOT.cpuAtStart}];
  if (warnedStep !== step) { warnedStep = step; nextLimit = s[${SLOT.limit}]; }
  if (used < nextLimit) return;
  nextLimit *= 2;
  const median = s[${SLOT.median}];
  const rss = process.memoryUsage().rss / 2 ** 30;
  const saved = s[${SLOT.lastSaved}];
  const usual = median > 0 ? 'the steps before it used ' + median.toFixed(1) + ' CPU-seconds each (median)' : 'it is the first step of this process';
  writeSync(2, '\\nstep ' + (step + 1) + ' has used ' + used.toFixed(used < 10 ? 1 : 0) + ' CPU-seconds and not returned; ' + usual +
    '. Resident memory ' + rss.toFixed(2) + ' GiB' + (rss > 3.5 ? ' (near the 4 GiB WebAssembly heap: it may never finish; try a smaller --batch-size)' : '') +
    '. Ctrl-C and kill are only seen between steps: stop it with kill -9 ' + pid + ', then --resume continues from ' +
    (saved >= 0 ? 'the checkpoint at step ' + saved + ' (' + ckptPath + ')' : 'the start (no checkpoint written yet)') + '.\\n');
}, pollMs);
`;

/** Starts the watching worker; stop() it when the loop ends. */
export function watchForStalls(opts: StallWatchOptions): StallWatch {
  const factor = opts.factor ?? 10;
  const minSeconds = opts.minSeconds ?? 60;
  const firstStepSeconds = opts.firstStepSeconds ?? 600;
  const shared = new SharedArrayBuffer(SLOTS * Float64Array.BYTES_PER_ELEMENT);
  const s = new Float64Array(shared);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared, ckptPath: opts.ckptPath, pollMs: opts.pollMs ?? 5000, pid: process.pid } });
  worker.unref();
  const recent: number[] = [];
  let started = 0;
  let stepsEnded = 0;
  return {
    stepStarted(step, lastSaved) {
      const sorted = [...recent].sort((a, b) => a - b);
      const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! : 0;
      s[SLOT.step] = step;
      s[SLOT.lastSaved] = lastSaved ?? -1;
      s[SLOT.median] = median;
      s[SLOT.limit] = median > 0 ? Math.max(factor * median, minSeconds) : firstStepSeconds;
      started = cpuSeconds();
      s[SLOT.cpuAtStart] = started;
      s[SLOT.inStep] = 1;
    },
    stepEnded() {
      s[SLOT.inStep] = 0;
      // The first step of a process carries the warm-up (kernels compiled, buffers grown): it is not a usual step.
      if (stepsEnded++ > 0) recent.push(cpuSeconds() - started);
      if (recent.length > WINDOW) recent.shift();
    },
    stop() {
      s[SLOT.inStep] = 0;
      void worker.terminate();
    },
  };
}
