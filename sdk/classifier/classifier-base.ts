/**
 * The Classifier API over one primitive, a forward pass over at most MAX_BATCH RGBA images (logits, and Grad-CAM maps
 * when asked), which the Node client runs in this thread and the browser client posts to its worker. Reading images,
 * checking options, batching, the softmax and the maps' upsampling live here once for both.
 */
import { softmax } from '../clip/clip-math.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { gradCamToImage } from '../explain/grad-cam.js';
import { readImageInput } from '../image/image-input.js';
import { MAX_BATCH } from '../image/model-input.js';
import type { Manifest } from '../manifest/types.js';
import { checkCallOptions } from '../options/call-options.js';
import { CLASSIFIER_OPTION_NAMES } from '../options/creation-option-names.js';
import type { ActiveBackend, ImageInput, RgbaImage } from '../types.js';
import { checkClassifierManifest, type ClassifierSpec } from './classifier-model-check.js';
import type { ClassifierOutputs } from './classifier-engine.js';
import type { Classification, Classifier, ClassifierImages, ClassifyOptions, ClassScore, GradCamMap, GradCamOptions } from './types.js';

/** createClassifier as both entries describe it (worker/open-worker-model.ts, node-engine.ts). */
export const CREATE_CLASSIFIER = { names: CLASSIFIER_OPTION_NAMES, callee: 'createClassifier()', calls: 'classify(), gradCam()', what: 'classifier' };

const creator = 'createClassifier()';
const DEFAULT_TOP = 5;

export abstract class ClassifierBase implements Classifier {
  private readonly spec: ClassifierSpec;

  constructor(
    readonly manifest: Manifest,
    readonly backend: ActiveBackend,
  ) {
    this.spec = checkClassifierManifest(manifest);
  }

  /** One forward pass over 1 … MAX_BATCH checked images. */
  protected abstract run(images: RgbaImage[], withMaps: boolean, signal: AbortSignal | undefined): Promise<ClassifierOutputs>;
  abstract dispose(): Promise<void>;

  get labels(): readonly string[] {
    return this.spec.labels;
  }

  async classify(images: ClassifierImages, options?: ClassifyOptions): Promise<Classification[]> {
    const signal = checkCallOptions(options, { method: 'classify', names: ['top', 'signal'], creator, example: '{ top: 3 }' });
    const K = this.spec.labels.length;
    const top = options?.top ?? Math.min(DEFAULT_TOP, K);
    if (!Number.isInteger(top) || top < 1 || top > K) throw new InvalidInputError('top', `must be an integer from 1 to ${K} (the model's class count)`, options?.top);
    const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
    if (list.length === 0) throw new InvalidInputError('images', 'must be an image or a non-empty list of them', images);
    const rgba: RgbaImage[] = [];
    for (let i = 0; i < list.length; i++) rgba.push(await readImageInput(list[i], Array.isArray(images) ? `images[${i}]` : 'images'));
    const out: Classification[] = [];
    for (let start = 0; start < rgba.length; start += MAX_BATCH) {
      const batch = rgba.slice(start, start + MAX_BATCH);
      const { logits } = await this.run(batch, false, signal);
      for (let i = 0; i < batch.length; i++) out.push(this.verdict(logits.subarray(i * K, (i + 1) * K), top));
    }
    return out;
  }

  async gradCam(image: ImageInput, options?: GradCamOptions): Promise<GradCamMap> {
    const signal = checkCallOptions(options, { method: 'gradCam', names: ['signal'], creator });
    const grid = this.spec.gradCam;
    if (!grid) throw new InvalidInputError('model', `'${this.manifest.name}' has no grad_cam output (exported before Grad-CAM was part of the classifier graph); re-export it with webgen-train reexport --model <its folder>`);
    const rgba = await readImageInput(image, 'image');
    const { logits, gradCam } = await this.run([rgba], true, signal);
    const { width, height } = rgba;
    const [h, w] = grid;
    return { ...this.verdict(logits, Math.min(DEFAULT_TOP, this.spec.labels.length)), width, height, map: gradCamToImage(gradCam!, h, w, width, height) };
  }

  /** The most probable class and the `top` best of one image's logits. */
  private verdict(logits: Float32Array, top: number): Classification {
    const p = softmax(logits);
    const ranked: ClassScore[] = p.map((probability, classIndex) => ({ classIndex, label: this.spec.labels[classIndex]!, probability })).sort((a, b) => b.probability - a.probability);
    return { ...ranked[0]!, top: ranked.slice(0, top) };
  }
}
