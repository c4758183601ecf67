/**
 * The labelled data sets the judging classifiers learn from, split the same way the generators'
 * data are, so a classifier's held-out set is exactly the images its generator never saw.
 *
 * - mnist: the digits of `openDataset('mnist')` (32×32×1, padded), label = digit. The split is
 *   `splitDataset(source, holdOut, 0)`, the one the mnist-small diffusion recipe uses.
 * - shapes: procedural shapes with ONE shape per image (maxShapes 1) on dark or light backgrounds
 *   (background 'mixed'), label = comboClass = colour·6 + shape (36 classes, named "red circle"…),
 *   so one argmax answers "does the sample show the prompt's colour and shape". Captions with two
 *   shapes are out of scope: judge single-shape prompts.
 * - emoji: Noto + Twemoji 32×32×3, label = subcategory·2 + style (emoji-judge-data.ts), trained on the emoji split's
 *   'train' part and held out on its held-out concepts and styles (the split every emoji model uses; holdOut unused).
 */
import { openDataset } from '../data/open-dataset.js';
import { splitDataset, type Dataset, type Example } from '../data/dataset.js';
import { comboName, createShapesDataset, NUM_COMBOS } from '../data/shapes.js';
import { DataError } from '../errors/data-error.js';
import { UsageError } from '../errors/usage-error.js';
import { openEmojiJudgeData } from './emoji-judge-data.js';

/** Which classifier to train. */
export type ClassifierData = 'mnist' | 'shapes' | 'emoji';
export const CLASSIFIER_DATA: readonly ClassifierData[] = ['mnist', 'shapes', 'emoji'];

/** Side of the emoji judge's images. */
export const EMOJI_JUDGE_SIZE = 32;

/** Options of {@link openClassifierData}. */
export interface ClassifierDataOptions {
  /** Held-out examples (an integer) or share (a fraction in (0, 1)). Default 1000. */
  holdOut?: number;
  /** Seed of the train/held-out split. Default 0 (the mnist-small recipe's). */
  splitSeed?: number;
  /** MNIST folder (relative to cwd). Default ../shared/data/mnist. */
  mnistDir?: string;
  /** Number of generated shapes images (train + held out). Default 20000. */
  shapesCount?: number;
  /** Seed of the generated shapes images. Default 0. */
  shapesSeed?: number;
  /** Keep rendered/decoded images in memory after first use. Default true. */
  cache?: boolean;
  /** Folder relative paths resolve against. Default process.cwd(). */
  cwd?: string;
}

/** A labelled train/held-out pair with its class names. */
export interface ClassifierDataSplit {
  train: Dataset;
  heldOut: Dataset;
  classNames: string[];
  /** For the manifest: source, split rule, counts. */
  description: string;
  /** Named subsets of `heldOut` (indices), reported apart (emoji: held-out concepts, held-out styles). */
  heldOutGroups?: Record<string, number[]>;
}

/** Opens `data` and splits it; throws UsageError for an unknown name. */
export async function openClassifierData(data: string, opts: ClassifierDataOptions = {}): Promise<ClassifierDataSplit> {
  const holdOut = opts.holdOut ?? 1000;
  const splitSeed = opts.splitSeed ?? 0;
  const cache = opts.cache ?? true;
  if (data === 'emoji') {
    const e = await openEmojiJudgeData(EMOJI_JUDGE_SIZE, undefined, (line) => process.stderr.write(`${line}\n`));
    const keep = (ds: Dataset) => (cache ? cached(ds) : ds);
    return { train: keep(e.train), heldOut: keep(e.heldOut), classNames: e.classNames, description: e.description, heldOutGroups: e.heldOutGroups };
  }
  let source: Dataset;
  let classNames: string[];
  let what: string;
  if (data === 'mnist') {
    source = await openDataset(opts.mnistDir ? `mnist:${opts.mnistDir}` : 'mnist', { ...(opts.cwd && { cwd: opts.cwd }) });
    classNames = Array.from({ length: 10 }, (_, i) => String(i));
    if (source.get(0).label === undefined) throw new DataError('mnist', 'has no labels file; the classifier needs digit labels');
    what = `MNIST ${source.width}x${source.height}x${source.channels} (${source.size} digits)`;
  } else if (data === 'shapes') {
    const count = opts.shapesCount ?? 20000;
    const seed = opts.shapesSeed ?? 0;
    source = comboLabelled(createShapesDataset({ size: count, seed, maxShapes: 1, background: 'mixed' }));
    classNames = Array.from({ length: NUM_COMBOS }, (_, k) => comboName(k));
    what = `procedural shapes 32x32x3, one shape per image, mixed background, seed ${seed} (${count} images), label = colour+shape`;
  } else {
    throw new UsageError(`unknown classifier data '${data}'; use one of ${CLASSIFIER_DATA.join(', ')}`);
  }
  if (cache) source = cached(source);
  const { train, heldOut } = splitDataset(source, holdOut, splitSeed);
  if (train.size < 1 || heldOut.size < 1) {
    throw new UsageError(`hold-out ${holdOut} leaves ${train.size} training and ${heldOut.size} held-out examples; both must be non-empty`);
  }
  return { train, heldOut, classNames, description: `${what}; held out ${heldOut.size} (split seed ${splitSeed}), trained on ${train.size}` };
}

/** The shapes data with label = comboClass of the (only) shape. */
function comboLabelled(ds: Dataset): Dataset {
  return {
    ...ds,
    name: 'shapes-combo',
    numClasses: NUM_COMBOS,
    classNames: Array.from({ length: NUM_COMBOS }, (_, k) => comboName(k)),
    get(index: number): Example {
      const ex = ds.get(index);
      return { ...ex, label: Number(ex.attributes!.comboClass) };
    },
    describe: () => ({ ...ds.describe(), label: 'comboClass' }),
  };
}

/** `ds` with each example kept after its first `get` (rendering shapes is the slow part of a batch). */
function cached(ds: Dataset): Dataset {
  const store: (Example | undefined)[] = new Array(ds.size);
  return {
    ...ds,
    get(index: number): Example {
      return (store[index] ??= ds.get(index));
    },
  };
}
