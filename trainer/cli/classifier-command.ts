/**
 * `webgen-train classifier <mnist|shapes> [options]`: trains a judging classifier (and FID/KID
 * feature extractor) and writes its model folder. `argv` is what follows the word `classifier`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CLASSIFIER_DATA, type ClassifierData } from '../classifier/classifier-data.js';
import { classifierModelName, trainClassifier, type ClassifierRunConfig, type TrainClassifierOptions } from '../classifier/train-classifier.js';
import { UsageError } from '../errors/usage-error.js';
import { WebgenError } from '../errors/webgen-error.js';
import { parseFlags } from './config-flags.js';
import { intFlag, numberFlag } from './number-flags.js';
import { listenForStop } from './stop-signals.js';

/** The usage text of the classifier command. */
export const CLASSIFIER_HELP = `webgen-train classifier <mnist|shapes|emoji> [options]

Trains a small CNN that judges generated samples (MNIST digits; the colour and shape of a single
procedural shape, 36 classes; an emoji's subcategory and style, 198 classes, trained on the emoji
split's training part, held out on its held-out concepts and styles) and whose penultimate layer
(128-d; emoji 256-d) is the FID/KID feature space.
Writes <out>/model.onnx + manifest.json (kind 'classifier', outputs 'logits' and 'features').

  --steps N         optimiser steps (default 800; emoji 3000)
  --batch-size N    images per step (default 64)
  --lr X            AdamW peak learning rate (default 0.002)
  --hold-out N      held-out images (default 1000; mnist: the mnist-small recipe's held-out digits;
                    emoji: unused, the emoji split decides)
  --seed N          seed of weights, batch order, augmentation (default 0; the split seed stays 0)
  --out DIR         model folder (default models/<data>-classifier; emoji: models/emoji-judge)
  --run DIR         run folder: checkpoint.wgck + metrics.jsonl (default ~/.cache/webgen-runs/<data>-classifier)
  --resume          continue the run in --run from its checkpoint (typed flags override the saved ones)
  --checkpoint-every N  a checkpoint every N steps (default 200; Ctrl-C also writes one)
  --mnist-dir DIR   MNIST IDX folder (default ../shared/data/mnist)
  --threads N       wasm threads, 1..8 (default 1)
  --help            this text`;

/** Integer flags and their smallest allowed value. */
const INT_FLAGS = { steps: 1, 'batch-size': 1, 'hold-out': 1, seed: 0, threads: 1, 'checkpoint-every': 1 } as const;

/** Parses, trains, prints progress and the final accuracy; returns the exit code (errors: 2 usage, 1 other). */
export async function classifierCommand(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseFlags(argv, {
      steps: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'hold-out': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      run: { type: 'string' },
      resume: { type: 'boolean' },
      'checkpoint-every': { type: 'string' },
      'mnist-dir': { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean' },
    }, 'See webgen-train classifier --help.');
    if (values.help) {
      console.log(CLASSIFIER_HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError(`missing data: webgen-train classifier <${CLASSIFIER_DATA.join('|')}> [options]`);
    if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}': give one data name (${CLASSIFIER_DATA.join(' or ')}), then --options`);
    const data = positionals[0]!;
    if (!(CLASSIFIER_DATA as readonly string[]).includes(data)) {
      throw new UsageError(`unknown classifier data '${data}'; use one of ${CLASSIFIER_DATA.join(', ')}`);
    }
    const ints: Partial<Record<keyof typeof INT_FLAGS, number>> = {};
    for (const [flag, min] of Object.entries(INT_FLAGS) as [keyof typeof INT_FLAGS, number][]) {
      const raw = values[flag];
      if (raw === undefined) continue;
      ints[flag] = intFlag(flag, raw, min);
    }
    let lr: number | undefined;
    if (values.lr !== undefined) {
      lr = numberFlag('lr', values.lr);
      if (!(lr > 0 && lr < 1)) throw new UsageError(`--lr must be a number in (0, 1), got '${values.lr}'`);
    }
    if (ints.threads !== undefined && ints.threads > 8) throw new UsageError(`--threads must be in [1, 8], got ${ints.threads}`);
    const out = values.out ?? `models/${classifierModelName(data as ClassifierData)}`;
    if (out.trim() === '') throw new UsageError(`--out needs a folder name`);
    const run = values.run ?? join(homedir(), '.cache', 'webgen-runs', `${data}-classifier`);
    if (run.trim() === '') throw new UsageError(`--run needs a folder name`);
    // The flags typed now: on --resume they override the checkpoint's config (the rest comes from it).
    const explicit: Partial<ClassifierRunConfig> = {
      ...(ints.steps !== undefined && { steps: ints.steps }),
      ...(ints['batch-size'] !== undefined && { batchSize: ints['batch-size'] }),
      ...(ints['hold-out'] !== undefined && { holdOut: ints['hold-out'] }),
      ...(ints.seed !== undefined && { seed: ints.seed }),
      ...(ints.threads !== undefined && { threads: ints.threads }),
      ...(ints['checkpoint-every'] !== undefined && { checkpointEvery: ints['checkpoint-every'] }),
      ...(lr !== undefined && { lr }),
      ...(values['mnist-dir'] !== undefined && { mnistDir: values['mnist-dir'] }),
    };
    const stop = listenForStop();

    const opts: TrainClassifierOptions = {
      data: data as ClassifierData,
      out,
      run,
      resume: values.resume === true,
      explicit,
      stopRequested: stop.requested,
      ...(ints['checkpoint-every'] !== undefined && { checkpointEvery: ints['checkpoint-every'] }),
      ...(ints.steps !== undefined && { steps: ints.steps }),
      ...(ints['batch-size'] !== undefined && { batchSize: ints['batch-size'] }),
      ...(ints['hold-out'] !== undefined && { holdOut: ints['hold-out'] }),
      ...(ints.seed !== undefined && { seed: ints.seed }),
      ...(ints.threads !== undefined && { threads: ints.threads }),
      ...(lr !== undefined && { lr }),
      ...(values['mnist-dir'] !== undefined && { mnistDir: values['mnist-dir'] }),
    };
    const r = await trainClassifier(opts).finally(() => stop.release());
    if (r.stopped) {
      console.log(`stopped at step ${r.steps}; continue with the same command and --resume`);
      return 0;
    }
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    console.log(
      `done: ${data} classifier, held-out accuracy ${pct(r.heldOutAccuracy)}` +
        (r.onnxHeldOutAccuracy !== undefined ? ` (ONNX ${pct(r.onnxHeldOutAccuracy)})` : '') +
        `, ${r.steps} steps in ${r.wallTimeSeconds.toFixed(0)} s; model ${out}; run ${run}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof WebgenError) {
      process.stderr.write(`webgen-train classifier: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
