/**
 * The run scaffold every model family's training composes: its folder (writable, stale temporary files removed),
 * --resume (the checkpoint's config with the typed flags laid over it, by the family's ResumePolicy), the backend,
 * the checkpoint (tensor groups + the family's counters), metrics.jsonl, divergence watches, Ctrl-C, and the loop
 * that ties them together. A family supplies the model and one step; everything else is here, once.
 *
 * The loop's one rule about checkpoints: weights are written only after their loss has passed the watches. A step
 * measures the loss of the weights as they are and then updates them, so a checkpoint due after step k is written
 * when step k + 1 has judged its loss and before it applies its update; at the end, and on Ctrl-C, the family's
 * `measure` gives that loss without training.
 */
import { appendFile, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../backend/select-backend.js';
import type { Progress } from '../cli/progress.js';
import { TrainingDivergedError } from '../errors/training-diverged-error.js';
import { UsageError } from '../errors/usage-error.js';
import { removeStaleTempFiles } from '../io/atomic-write.js';
import { loadCheckpoint, restoreGroup, saveCheckpoint, type LoadedCheckpoint, type TensorGroups } from '../train/checkpoint.js';
import { divergenceMessage } from '../train/divergence-message.js';
import { LossWatch, type LossWatchOptions, type LossWatchState } from '../train/loss-watch.js';
import { resumeConfig, type ResumePolicy } from '../train/resume-config.js';
import { ensureWritableDir, truncateMetrics } from './run-folder.js';
import { watchForStalls, type StallWatch } from './stall-watch.js';

/** The fields of a family's config that the scaffold reads. */
export interface RunConfig {
  /** Run folder (checkpoint, metrics, samples). */
  out: string;
  /** Model folder to export to at the end ('' = none). */
  export: string;
  resume: boolean;
  backend: string;
  /** wasm threads; 0 = up to 8, as many as the machine has. */
  threads: number;
  steps: number;
  seed: number;
  logEvery: number;
  /** A sample grid every this many steps (0 = only at the end). */
  sampleEvery: number;
  checkpointEvery: number;
}

export interface RunIo<C> {
  progress: Progress;
  /** The flags typed on the command line (parsed): on --resume they override the checkpoint's config. */
  explicit?: Partial<C>;
  /** Set to true (e.g. on SIGINT) to stop after the current step with a checkpoint. */
  stopRequested?: () => boolean;
}

export interface RunOptions<C extends RunConfig> extends RunIo<C> {
  recipe: string;
  /** The family ('autoencoder', …), stored in the checkpoint; resuming another family's checkpoint is refused. */
  family: string;
  cfg: C;
  policy: ResumePolicy<C>;
  /** The family's defaults, laid under a saved config (fields added since it was written). */
  defaults: C;
  /** Checks a config after --resume laid the typed flags over the saved one. */
  validate?: (cfg: C) => void;
  /** Recognises this family's checkpoints written before the family was recorded in them. */
  legacy?: (state: Record<string, unknown>) => boolean;
  /** Brings a saved config of an older trainer up to date (renamed or split fields) before the flags are laid over it. */
  upgrade?: (saved: Record<string, unknown>) => C;
}

/** One step's outcome, before its update is applied (see the module comment). */
export interface StepOutcome {
  /** Losses of the weights as they were at the start of the step, by watch name. */
  losses: Record<string, number>;
  /** More figures for metrics.jsonl (gradient norm, learning rate, codebook usage…). */
  metrics?: Record<string, number>;
  /** Applies the update (optimiser step, EMA, buffers). */
  apply(): void;
  /** Frees what `apply` would have used, when the step is refused. */
  discard(): void;
}

export interface RunBody {
  /** Tensors the checkpoint holds, by group. */
  groups: TensorGroups;
  /** Counters the checkpoint holds (optimiser t, EMA updates, …), merged into its state. */
  state(): Record<string, unknown>;
  /** Watches by loss name, with their thresholds (trainer/train/loss-watch.ts). */
  watches: Record<string, LossWatchOptions>;
  /** Computes step `step` (0-based): losses of the current weights, and the update to apply. */
  step(step: number): StepOutcome;
  /** The losses `step(step)` would report, without training or consuming randomness. */
  measure(step: number): Record<string, number>;
  /** Writes a sample grid of the current weights (EMA where there is one). */
  sample?(step: number): Promise<void>;
  /** The flags to change after a divergence, with their values: "a lower --lr (now 1e9)". */
  advice: string;
  /**
   * The step updates the weights while it measures them (a GAN: each of D's k steps updates D before G is measured),
   * so `apply` cannot hold the update back: a checkpoint is then written right after its step, once `measure` has
   * judged the weights it saves.
   */
  updatesWhileMeasuring?: boolean;
}

export interface LoopResult {
  step: number;
  /** The last losses measured (the resumed run's last logged ones when it trained no further). */
  losses: Record<string, number>;
  /** Stopped by Ctrl-C (stopRequested) before cfg.steps. */
  stopped: boolean;
}

export const RUN_CHECKPOINT_FILE = 'checkpoint.wgck';

export class TrainingRun<C extends RunConfig> {
  /** The config in force: on --resume the checkpoint's, with the typed flags laid over it. */
  readonly cfg: C;
  readonly out: string;
  readonly ckptPath: string;
  readonly metricsPath: string;
  /** The tfjs backend running the run ('wasm', 'cpu', 'tensorflow'). */
  readonly backend: string;
  /** The checkpoint resumed from, when --resume. */
  readonly checkpoint: LoadedCheckpoint | undefined;
  /** The last metrics line kept on --resume. */
  readonly resumedLine: Record<string, unknown> | undefined;
  /** Completed optimiser steps. */
  step: number;
  private readonly t0 = performance.now();
  private readonly wallBefore: number;
  private lastSaved: number | undefined;
  private watches = new Map<string, LossWatch>();

  private constructor(
    private readonly opts: RunOptions<C>,
    init: { cfg: C; out: string; backend: string; checkpoint?: LoadedCheckpoint; resumedLine?: Record<string, unknown>; earlierCheckpoint: boolean },
  ) {
    this.cfg = init.cfg;
    this.out = init.out;
    this.ckptPath = join(init.out, RUN_CHECKPOINT_FILE);
    this.metricsPath = join(init.out, 'metrics.jsonl');
    this.backend = init.backend;
    this.checkpoint = init.checkpoint;
    this.resumedLine = init.resumedLine;
    this.step = init.checkpoint?.header.step ?? 0;
    this.lastSaved = init.checkpoint?.header.step;
    this.earlierCheckpoint = init.earlierCheckpoint;
    const s = init.checkpoint?.header.state as { wallTimeSeconds?: number } | undefined;
    this.wallBefore = s?.wallTimeSeconds ?? 0;
  }

  private readonly earlierCheckpoint: boolean;

  /** Prepares the folder, resumes when asked, selects the backend. */
  static async open<C extends RunConfig>(opts: RunOptions<C>): Promise<TrainingRun<C>> {
    const { progress } = opts;
    let cfg = opts.cfg;
    const out = resolve(cfg.out);
    await ensureWritableDir(out, '--out');
    if (cfg.export) await ensureWritableDir(resolve(cfg.export), '--export');
    const ckptPath = join(out, RUN_CHECKPOINT_FILE);
    const metricsPath = join(out, 'metrics.jsonl');
    // A checkpoint write killed mid-way (SIGKILL, power cut) leaves its temporary file; this run owns the folder.
    for (const name of await removeStaleTempFiles(ckptPath)) progress.log(`removed ${join(out, name)}, a checkpoint write that never finished`);

    const checkpoint = cfg.resume ? await loadCheckpoint(ckptPath) : undefined;
    const earlierCheckpoint = !checkpoint && (await stat(ckptPath).then(() => true, () => false));
    let resumedLine: Record<string, unknown> | undefined;
    if (checkpoint) {
      const family = checkpoint.header.state.family;
      if (family !== opts.family && !(family === undefined && opts.legacy?.(checkpoint.header.state))) {
        throw new UsageError(`${ckptPath} is ${typeof family === 'string' ? `a ${family}` : 'another kind of'} checkpoint, not ${opts.family}; resume it with the command that wrote it`);
      }
      const raw = checkpoint.header.state.config as Record<string, unknown>;
      const saved = { ...opts.defaults, ...(opts.upgrade ? opts.upgrade(raw) : (raw as Partial<C>)) };
      const resumed = resumeConfig(saved, cfg, opts.explicit ?? {}, opts.policy, ckptPath);
      cfg = resumed.config;
      opts.validate?.(cfg);
      for (const note of resumed.notes) progress.log(note);
      resumedLine = await truncateMetrics(metricsPath, checkpoint.header.step);
      progress.log(`resumed from ${ckptPath} at step ${checkpoint.header.step}`);
    } else {
      await rm(metricsPath, { force: true });
    }
    const backend = await selectBackend({
      prefer: cfg.backend as BackendChoice,
      threads: cfg.threads === 0 ? Math.min(8, availableParallelism()) : cfg.threads,
      log: (line) => progress.log(line),
    });
    return new TrainingRun(opts, { cfg, out, backend: backend.name, ...(checkpoint && { checkpoint }), ...(resumedLine && { resumedLine }), earlierCheckpoint });
  }

  /** Seconds of training, across resumes. */
  elapsed(): number {
    return this.wallBefore + (performance.now() - this.t0) / 1000;
  }

  /** The family's counters saved in the checkpoint (undefined on a fresh run). */
  savedState<T>(): T | undefined {
    return this.checkpoint?.header.state as T | undefined;
  }

  /** Loads each group's tensors from the checkpoint, when resuming (a shape mismatch is a DataError). */
  restore(groups: TensorGroups): void {
    if (!this.checkpoint) return;
    for (const [group, map] of Object.entries(groups)) restoreGroup(this.checkpoint, this.ckptPath, group, map as Map<string, tf.Variable>);
  }

  /** Trains from `this.step` to cfg.steps (or Ctrl-C), checkpointing and logging on the way. */
  async loop(body: RunBody): Promise<LoopResult> {
    const stall = watchForStalls({ ckptPath: this.ckptPath });
    try {
      return await this.steps(body, stall);
    } finally {
      stall.stop();
    }
  }

  private async steps(body: RunBody, stall: StallWatch): Promise<LoopResult> {
    const { cfg, opts } = this;
    const { progress } = opts;
    const saved = this.savedState<{ lossWatch?: Record<string, LossWatchState> }>()?.lossWatch;
    this.watches = new Map(Object.entries(body.watches).map(([name, o]) => [name, new LossWatch(o, saved?.[name])]));
    const names = Object.keys(body.watches);
    let losses: Record<string, number> = Object.fromEntries(names.map((n) => [n, typeof this.resumedLine?.[n] === 'number' ? (this.resumedLine[n] as number) : NaN]));
    if (this.step >= cfg.steps) progress.log(`already at step ${this.step} of ${cfg.steps}; nothing to train (raise --steps to continue)`);

    const stepStart = this.step;
    const tLoop = performance.now();
    let checkpointDue = false;
    progress.start(this.step, cfg.steps);
    while (this.step < cfg.steps) {
      stall.stepStarted(this.step, this.lastSaved);
      const outcome = body.step(this.step);
      stall.stepEnded();
      try {
        this.judge(outcome.losses, body.advice);
      } catch (err) {
        outcome.discard();
        throw err;
      }
      // The losses measured the weights as they are now: a checkpoint due after the previous step can be written.
      if (checkpointDue) {
        await this.save(body);
        checkpointDue = false;
      }
      for (const [n, w] of this.watches) w.observe(outcome.losses[n]!);
      outcome.apply();
      losses = outcome.losses;
      this.step++;

      const step = this.step;
      const sps = (step - stepStart) / ((performance.now() - tLoop) / 1000);
      progress.update({ step, total: cfg.steps, loss: losses[names[0]!]!, stepsPerSecond: sps, etaSeconds: (cfg.steps - step) / sps });
      if (step % cfg.logEvery === 0 || step === cfg.steps) {
        const line = { step, ...losses, ...outcome.metrics, stepsPerSecond: sps, seconds: this.elapsed(), tensors: tf.memory().numTensors };
        await appendFile(this.metricsPath, `${JSON.stringify(line)}\n`);
      }
      if (body.sample && cfg.sampleEvery > 0 && step % cfg.sampleEvery === 0 && step < cfg.steps) await body.sample(step);
      // Let the event loop run once a step, so a Ctrl-C or kill (stop-signals.ts) is seen after this step, not at the
      // next awaited write.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const stopping = opts.stopRequested?.() ?? false;
      if (step % cfg.checkpointEvery === 0 || step === cfg.steps || stopping) checkpointDue = true;
      if (checkpointDue && body.updatesWhileMeasuring && !stopping) {
        await this.verifyAndSave(body);
        checkpointDue = false;
      }
      if (stopping) {
        await this.verifyAndSave(body);
        progress.stop();
        progress.log(`stopped at step ${step}; checkpoint ${this.ckptPath} (continue with --resume)`);
        return { step, losses, stopped: true };
      }
    }
    if (checkpointDue) await this.verifyAndSave(body);
    progress.stop();
    return { step: this.step, losses, stopped: false };
  }

  private async verifyAndSave(body: RunBody): Promise<void> {
    this.judge(body.measure(this.step), body.advice);
    await this.save(body);
  }

  private async save(body: RunBody): Promise<void> {
    const lossWatch = Object.fromEntries([...this.watches].map(([n, w]) => [n, w.state()]));
    await saveCheckpoint(
      this.ckptPath,
      this.step,
      { family: this.opts.family, recipe: this.opts.recipe, config: this.cfg, wallTimeSeconds: this.elapsed(), backend: this.backend, lossWatch, ...body.state() },
      body.groups,
    );
    this.lastSaved = this.step;
  }

  /** Throws TrainingDivergedError when a loss of the weights after `this.step` updates shows a diverged run. */
  private judge(losses: Record<string, number>, advice: string): void {
    for (const [name, w] of this.watches) {
      const reason = w.judge(losses[name]!, name);
      if (reason === undefined) continue;
      this.opts.progress.stop();
      throw new TrainingDivergedError(
        divergenceMessage({ reason, step: this.step + 1, lastSaved: this.lastSaved, ckptPath: this.ckptPath, earlierCheckpoint: this.earlierCheckpoint, advice }),
      );
    }
  }
}
