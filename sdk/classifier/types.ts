/**
 * The public API of classifiers (manifest kind 'classifier': the judges models/mnist-classifier, shapes-classifier,
 * emoji-judge), declared as types (implemented in classifier-base.ts over classifier-engine.ts, with
 * create-classifier.ts for the browser worker and create-classifier-node.ts for onnxruntime-node). One forward pass
 * per batch of up to 64 images gives the class probabilities and, for `gradCam`, the predicted class's Grad-CAM map
 * (Selvaraju et al. 2017), which the exported graph computes itself (no autograd in the browser).
 */
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, GeneratorOptions, ImageInput } from '../types.js';

/** Options of createClassifier: those of createGenerator, plus a signal. */
export interface ClassifierOptions extends GeneratorOptions {
  /** Stops the load (download, session start) with AbortError. Default none. */
  signal?: AbortSignal;
}

/** One image, or a non-empty list of them (any size: each is resized, bilinear, to the model's; alpha over white). */
export type ClassifierImages = ImageInput | readonly ImageInput[];

/** Options of classify(). */
export interface ClassifyOptions {
  /** How many of the most probable classes `top` lists, 1 … the class count. Default 5 (or the class count). */
  top?: number;
  signal?: AbortSignal;
}

/** Options of gradCam(). */
export interface GradCamOptions {
  signal?: AbortSignal;
}

/** A class and how probable the model finds it. */
export interface ClassScore {
  classIndex: number;
  /** The class's name (manifest conditioning.classes). */
  label: string;
  /** softmax of the logits, 0 … 1. */
  probability: number;
}

/** One image's verdict: its most probable class, and the `top` most probable ones, best first. */
export interface Classification extends ClassScore {
  top: ClassScore[];
}

/** The Grad-CAM map of an image's predicted class, with the verdict. */
export interface GradCamMap extends Classification {
  /** The given image's size: the map (the model's last convolution grid, bilinear) lies over the image as given. */
  width: number;
  height: number;
  /** width × height values, row-major, 0 … 1 (scaled by the map's maximum; all 0 where nothing speaks for the class). */
  map: Float32Array;
}

export interface Classifier {
  readonly manifest: Manifest;
  readonly backend: ActiveBackend;
  /** The class names, index = class. */
  readonly labels: readonly string[];
  /** Classifies images (batches of 64 per forward pass), in order. */
  classify(images: ClassifierImages, options?: ClassifyOptions): Promise<Classification[]>;
  /**
   * The Grad-CAM map of the image's predicted class: where on the image the evidence for that class lies, on the last
   * convolution block's grid brought to the image's own size (heatOverlay(image, map) draws it). Throws InvalidInputError for a model exported before
   * the map was part of its graph (re-export it with `webgen-train reexport --model DIR`).
   */
  gradCam(image: ImageInput, options?: GradCamOptions): Promise<GradCamMap>;
  /** Releases the model; later calls throw ModelLoadError. */
  dispose(): Promise<void>;
}
