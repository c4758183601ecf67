/**
 * How far a float16-weights image may be from the float32 one (same seed, 8-bit levels). Each weight moves by at most
 * 2^-11 relative, each U-Net output by ~2e-3 (parity.fp16MaxAbsError; one 8-bit level is 7.8e-3 of [-1, 1]); over a
 * 10-step guided DDIM run the fixture moves by 1 level at most (measured). The bound is the WebGPU-vs-wasm one.
 */
export const FP16_PIXEL_TOLERANCE = { max: 4, mean: 0.5 };

/** Largest absolute difference of two equal-length pixel arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Mean absolute difference of two equal-length pixel arrays. */
export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Plain data of a generated image as the e2e page returns it. */
export interface PageImage {
  width: number;
  height: number;
  data: number[];
  seed: number;
  timings: { totalMs: number; modelMs: number; steps: number };
}

export interface PageError {
  name: string;
  message: string;
  /** instanceof the SDK class of that name. */
  typed: boolean;
  sdkError: boolean;
  fields: Record<string, unknown>;
}

export interface PageRun {
  images?: PageImage[];
  error?: PageError;
  steps: { step: number; total: number; timestep: number; previewBytes: number }[];
}

export interface PageLoad {
  id?: number;
  backend?: string;
  precision?: string;
  name?: string;
  error?: PageError;
  events: Record<string, unknown>[];
}
