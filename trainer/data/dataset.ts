/**
 * The data-set contract every source (procedural shapes, MNIST IDX, image folders) implements, and
 * the two operations training needs on any of them: resumable random batches and a train/held-out split.
 */
import { UsageError } from '../errors/usage-error.js';
import { hashInts, permutation } from './rng.js';

/** One training example. */
export interface Example {
  /** Pixels, [H, W, C] row-major, values in [-1, 1]. */
  image: Float32Array;
  /** Class index in [0, numClasses), when the source has classes. */
  label?: number;
  /** Text description, when the source has captions. */
  caption?: string;
  /** Source-specific facts about the example (shape, colour, file name…). */
  attributes?: Record<string, string | number>;
}

/** A fixed-size, randomly addressable collection of same-sized examples. */
export interface Dataset {
  readonly name: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly numClasses?: number;
  readonly classNames?: string[];
  /** Example `index` in [0, size); the same index always gives the same example. */
  get(index: number): Example;
  /** Stable description for manifests: { source, path?, count, md5? ... } */
  describe(): Record<string, unknown>;
}

/** A batch of examples stacked for a model. */
export interface Batch {
  /** [B, H, W, C] in [-1, 1]. */
  images: Float32Array;
  /** [B] class indices; present when the data set has classes (-1 for an unlabelled example). */
  labels?: Int32Array;
  /** [B] captions; present when the data set has captions ('' for an uncaptioned example). */
  captions?: string[];
  /** [B] the data-set index of each example, for logging and tests. */
  indices: Int32Array;
}

/** Throws UsageError unless `index` addresses an example of `ds`. */
export function checkIndex(ds: { name: string; size: number }, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= ds.size) {
    throw new UsageError(`index ${index} is out of range for data set '${ds.name}' of ${ds.size} examples`);
  }
}

/**
 * Random batches, deterministic given seed. The examples form an endless stream of epochs, each a
 * fresh permutation of the data set seeded by (seed, epoch); batch `s` is stream positions
 * [s·B, (s+1)·B). So the batch at any step is computed directly, and an iterator created with
 * `startStep = k` yields exactly what a never-interrupted run yields from its k-th batch on.
 */
export function batchIterator(
  ds: Dataset,
  batchSize: number,
  seed: number,
  /** Index of the first batch to produce (resume point). Default 0. */
  startStep = 0,
): { next(): Batch; readonly step: number } {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UsageError(`batch size must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(startStep) || startStep < 0) {
    throw new UsageError(`start step must be a non-negative integer, got ${startStep}`);
  }
  if (ds.size < 1) throw new UsageError(`data set '${ds.name}' is empty; cannot draw batches`);
  const n = ds.size;
  const pixels = ds.height * ds.width * ds.channels;
  const first = ds.get(0);
  const hasLabels = ds.numClasses !== undefined || first.label !== undefined;
  const hasCaptions = first.caption !== undefined;
  let cachedEpoch = -1;
  let cachedPerm: Int32Array = new Int32Array(0);
  const indexAt = (position: number): number => {
    const epoch = Math.floor(position / n);
    if (epoch !== cachedEpoch) {
      cachedPerm = permutation(n, hashInts(seed, epoch));
      cachedEpoch = epoch;
    }
    return cachedPerm[position - epoch * n]!;
  };
  let step = startStep;
  return {
    get step() {
      return step;
    },
    next(): Batch {
      const images = new Float32Array(batchSize * pixels); // [B, H, W, C]
      const indices = new Int32Array(batchSize);
      const labels = hasLabels ? new Int32Array(batchSize) : undefined;
      const captions = hasCaptions ? new Array<string>(batchSize) : undefined;
      for (let b = 0; b < batchSize; b++) {
        const index = indexAt(step * batchSize + b);
        const ex = ds.get(index);
        if (ex.image.length !== pixels) {
          throw new UsageError(
            `data set '${ds.name}' example ${index} has ${ex.image.length} values, expected ${ds.height}x${ds.width}x${ds.channels}`,
          );
        }
        images.set(ex.image, b * pixels);
        indices[b] = index;
        if (labels) labels[b] = ex.label ?? -1;
        if (captions) captions[b] = ex.caption ?? '';
      }
      step++;
      return { images, indices, ...(labels && { labels }), ...(captions && { captions }) };
    },
  };
}

/** A view of some of `parent`'s examples, in the order of `indices`. */
export function subsetDataset(parent: Dataset, indices: Int32Array, name: string, info: Record<string, unknown> = {}): Dataset {
  const sub: Dataset = {
    name,
    size: indices.length,
    width: parent.width,
    height: parent.height,
    channels: parent.channels,
    ...(parent.numClasses !== undefined && { numClasses: parent.numClasses }),
    ...(parent.classNames && { classNames: parent.classNames }),
    get(index: number): Example {
      checkIndex(sub, index);
      return parent.get(indices[index]!);
    },
    describe: () => ({ ...parent.describe(), ...info, count: indices.length }),
  };
  return sub;
}

/**
 * Splits `ds` into a training part and a held-out part; both keep the parent's index order.
 * `holdOut` is one of:
 * - a fraction in (0, 1): that share of the examples, rounded, chosen by a permutation seeded by `seed`;
 * - an integer >= 1: that many examples, chosen the same way;
 * - a predicate: the examples for which it returns true (it sees every example once).
 */
export function splitDataset(
  ds: Dataset,
  holdOut: number | ((ex: Example, i: number) => boolean),
  /** Seed of the random choice for a numeric `holdOut`. Default 0. */
  seed = 0,
): { train: Dataset; heldOut: Dataset } {
  const held = new Uint8Array(ds.size);
  let rule: string;
  if (typeof holdOut === 'function') {
    for (let i = 0; i < ds.size; i++) held[i] = holdOut(ds.get(i), i) ? 1 : 0;
    rule = 'predicate';
  } else {
    let count: number;
    if (holdOut > 0 && holdOut < 1) count = Math.round(holdOut * ds.size);
    else if (Number.isInteger(holdOut) && holdOut >= 0 && holdOut <= ds.size) count = holdOut;
    else {
      throw new UsageError(
        `hold-out must be a fraction in (0, 1) or a whole number of examples in [0, ${ds.size}], got ${holdOut}`,
      );
    }
    const perm = permutation(ds.size, hashInts(seed, 0x5b1e));
    for (let k = 0; k < count; k++) held[perm[k]!] = 1;
    rule = `${count} random (seed ${seed})`;
  }
  const trainIdx: number[] = [];
  const heldIdx: number[] = [];
  for (let i = 0; i < ds.size; i++) (held[i] ? heldIdx : trainIdx).push(i);
  return {
    train: subsetDataset(ds, Int32Array.from(trainIdx), `${ds.name}/train`, { split: 'train', holdOut: rule }),
    heldOut: subsetDataset(ds, Int32Array.from(heldIdx), `${ds.name}/held-out`, { split: 'held-out', holdOut: rule }),
  };
}

/** The first `n` images of a data set, stacked [n, H, W, C] (fixed: the same grid or parity inputs every time). */
export function fixedImages(data: Dataset, n: number): Float32Array {
  const k = Math.min(n, data.size);
  const px = data.width * data.height * data.channels;
  const out = new Float32Array(k * px);
  for (let i = 0; i < k; i++) out.set(data.get(Math.floor((i * data.size) / k)).image, i * px);
  return out;
}
