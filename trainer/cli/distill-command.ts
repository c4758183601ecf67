/**
 * `webgen-train distill --teacher DIR --student-steps N [options]`: one stage of progressive distillation with guidance
 * distilled in (trainer/distill/distill.ts). Chain stages by passing the previous stage's export as the next --teacher.
 */
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { distill, DISTILL_DEFAULTS, type DistillConfig } from '../distill/distill.js';
import { UsageError } from '../errors/usage-error.js';
import { WebgenError } from '../errors/webgen-error.js';
import { configFlagOptions, configOverrides, parseFlags } from './config-flags.js';
import { createProgress } from './progress.js';
import { listenForStop } from './stop-signals.js';

export const DISTILL_HELP = `webgen-train distill --teacher DIR --student-steps N [options]

Progressive distillation (Salimans & Ho 2022) with classifier-free guidance distilled in (Meng et al.
2023): a student that starts as the teacher learns to take in one DDIM step what the teacher takes in
two, for guidance scales across --guidance-min … --guidance-max given as an input, so it runs one
network pass per step. The teacher is a class-conditional v-prediction model folder (e.g.
models/mnist-ddim) or the previous stage's student; halve by chaining stages: 8 → 4 → 2 → 1.

  --teacher DIR          teacher model folder (default ${DISTILL_DEFAULTS.teacher})
  --student-steps N      the student's steps, a power of two; the teacher runs 2N (default ${DISTILL_DEFAULTS.studentSteps})
  --steps N              optimiser steps of this stage (default ${DISTILL_DEFAULTS.steps})
  --batch-size N         images per step (default ${DISTILL_DEFAULTS.batchSize})
  --lr X                 AdamW peak learning rate, cosine to 10% (default ${DISTILL_DEFAULTS.lr})
  --guidance-min X, --guidance-max X   guidance scales learned (default ${DISTILL_DEFAULTS.guidanceMin}, ${DISTILL_DEFAULTS.guidanceMax})
  --null-rate X          share of rows drawn unconditional (default ${DISTILL_DEFAULTS.nullRate})
  --default-guidance X   the student's default guidance in its manifest (default ${DISTILL_DEFAULTS.defaultGuidance})
  --ema-decay X          EMA of the exported weights (default ${DISTILL_DEFAULTS.emaDecay})
  --out DIR              run folder (default ~/.cache/webgen-runs/distill-<teacher>-<N>step)
  --export DIR           model folder written at the end (default none)
  --resume               continue the run in --out (typed flags override the saved ones)
  --checkpoint-every N   (default ${DISTILL_DEFAULTS.checkpointEvery}; Ctrl-C or kill also writes one)
  --threads N            wasm threads (default ${DISTILL_DEFAULTS.threads})
  --help                 this text`;

const INTS = ['studentSteps', 'steps', 'batchSize', 'warmupSteps', 'threads', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery'] as const;

export async function distillCommand(argv: string[]): Promise<number> {
  try {
    const { values } = parseFlags(argv, configFlagOptions(DISTILL_DEFAULTS, { help: { type: 'boolean' } }), 'See webgen-train distill --help.', { positionals: false });
    if (values.help) {
      console.log(DISTILL_HELP);
      return 0;
    }
    const explicit = configOverrides(DISTILL_DEFAULTS, values, { backend: ['auto', 'wasm', 'cpu', 'tensorflow'] }, INTS);
    const cfg: DistillConfig = { ...DISTILL_DEFAULTS, ...explicit };
    const n = cfg.studentSteps;
    if (!(Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0)) throw new UsageError(`--student-steps must be a power of two (1, 2, 4, 8, …), got ${n}`);
    for (const k of ['steps', 'batchSize', 'checkpointEvery', 'logEvery', 'threads'] as const) {
      if (!(cfg[k] >= 1)) throw new UsageError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be at least 1, got ${cfg[k]}`);
    }
    if (!(cfg.lr > 0 && cfg.lr < 1)) throw new UsageError(`--lr must be in (0, 1), got ${cfg.lr}`);
    if (!(cfg.nullRate >= 0 && cfg.nullRate <= 1)) throw new UsageError(`--null-rate must be in [0, 1], got ${cfg.nullRate}`);
    if (!(cfg.emaDecay >= 0 && cfg.emaDecay < 1)) throw new UsageError(`--ema-decay must be in [0, 1), got ${cfg.emaDecay}`);
    if (!cfg.out) cfg.out = join(homedir(), '.cache', 'webgen-runs', `distill-${basename(cfg.teacher)}-${n}step`);
    const stop = listenForStop();
    const progress = createProgress({ lineEvery: cfg.logEvery });
    const r = await distill(cfg, { progress, explicit, stopRequested: stop.requested }).finally(() => stop.release());
    if (r.stopped) {
      console.log(`stopped at step ${r.step}; continue with the same command and --resume`);
      return 0;
    }
    console.log(`done: ${n}-step student, ${r.step} steps, final loss ${r.finalLoss.toFixed(4)}, ${r.wallTimeSeconds.toFixed(0)} s${r.exported ? `; model ${r.exported.dir}` : ''}; run ${cfg.out}`);
    return 0;
  } catch (err) {
    if (err instanceof WebgenError) {
      process.stderr.write(`webgen-train distill: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
