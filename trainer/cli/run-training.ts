/**
 * How every training command runs its loop (diffusion, GAN, autoencoder, CLIP): Ctrl-C or kill asks the run to stop
 * after its step (stop-signals.ts; a second one quits without a checkpoint), progress lines every `logEvery` steps, the recipe and the flags given
 * logged first, the loop's one-line summary printed last; the exit code is 130 when stopped, else 0.
 */
import { createProgress, type Progress } from './progress.js';
import { listenForStop } from './stop-signals.js';

export interface TrainingCommand<C extends { logEvery: number }, R> {
  /** Leads the first line: 'recipe', 'gan recipe'. */
  label: string;
  recipe: string;
  config: C;
  overrides: Partial<C>;
  run: (io: { progress: Progress; explicit: Partial<C>; stopRequested: () => boolean }) => Promise<R>;
  /** The summary line of a finished run. */
  summary: (result: R) => string;
}

export async function runTraining<C extends { logEvery: number }, R>(cmd: TrainingCommand<C, R>): Promise<number> {
  const stop = listenForStop();
  try {
    const progress = createProgress({ lineEvery: cmd.config.logEvery });
    progress.log(`${cmd.label} ${cmd.recipe}: ${JSON.stringify(cmd.overrides)}`);
    const result = await cmd.run({ progress, explicit: cmd.overrides, stopRequested: stop.requested });
    console.log(cmd.summary(result));
    return stop.requested() ? 130 : 0;
  } finally {
    stop.release();
  }
}

/** The tail of a summary: the last sample grid and the exported model, when there are any. */
export function summaryTail(r: { samples: string[]; exported?: { dir: string } }): string {
  return (r.samples.length ? `; samples ${r.samples[r.samples.length - 1]}` : '') + (r.exported ? `; model ${r.exported.dir}` : '');
}
