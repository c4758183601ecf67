/**
 * The one export pipeline every model family uses: each file's ONNX bytes proven against the trainer's forward pass in
 * onnxruntime-node (parity.ts: 1e-4; 1e-2 for float16 weights; 5e-2 for int8 weights), each file checked by onnx.checker on a temporary copy
 * (nothing is written when it rejects one), then the folder written by writeModelFolder (sha256, sizes, validated
 * manifest, atomic writes) with the parity figures in the manifest.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebgenError } from '../errors/webgen-error.js';
import type { Manifest } from './manifest.js';
import { writeModelFolder, type ModelFileInput, type ModelFolderSpec } from './model-folder.js';
import { checkOnnxWithPython, type OnnxCheckResult } from './onnx-check.js';
import { quantizeWeightsInt8 } from './quantize-int8.js';
import { assertParity, DEFAULT_PARITY_TOLERANCE, type ExpectedTensor, type FeedTensor } from './parity.js';

/** How far float16 weights may move an output (they round to ~3 significant digits). */
export const FP16_PARITY_TOLERANCE = 1e-2;

/**
 * How far per-channel int8 weights (quantize-int8.ts) may move an output: each weight rounds to 1/254 of its channel's
 * range; mnist-ddim's v-prediction (outputs of order 1) moves by up to 1.6e-2 (docs/inference-graph.md).
 */
export const INT8_PARITY_TOLERANCE = 5e-2;

/**
 * How far static QDQ convolutions (quantize-qdq.ts) may move model_output: every conv input and output also rounds
 * to 1/255 of its calibrated range, and the errors add up through the network; mnist-ddim moved by 1.2e-1 at the
 * same measured quality (docs/inference-graph.md). 0.25 is twice that, headroom for other models and calibrations
 * while still catching a broken rewrite (a wrong scale or zero point moves outputs of order 1 by more than 1).
 */
export const INT8_QDQ_PARITY_TOLERANCE = 0.25;

/** Inputs and the trainer's outputs for them, NCHW as ONNX takes them. */
export interface ParityCase {
  feeds: Record<string, FeedTensor>;
  expected: Record<string, ExpectedTensor>;
}

/** One file of a model folder. */
export interface ExportFile {
  role: string;
  filename: string;
  /** The ONNX bytes, with float32 or float16 weights. */
  build: (weightsFp16: boolean) => Uint8Array;
  parity: ParityCase;
  /**
   * Float16 weights: 'variant' adds a `.fp16.onnx` copy (files.<role>.variants.float16), 'only' stores the float16
   * file as the main one (float32 is proven, then replaced); default none.
   */
  fp16?: 'variant' | 'only';
  /**
   * Also store the float32 file with per-channel int8 Conv / MatMul weights (quantizeWeightsInt8, the 'cast' form) as
   * a `.int8.onnx` copy (files.<role>.variants.int8), proven within INT8_PARITY_TOLERANCE; default false.
   */
  int8?: boolean;
}

export interface ExportModelResult {
  manifest: Manifest;
  /** Largest |onnx − trainer| of the float32 files, and per role. */
  maxAbsError: number;
  byFile: Record<string, number>;
  fp16MaxAbsError?: number;
  int8MaxAbsError?: number;
  /** 'passed', or why onnx.checker was skipped. */
  checker: string;
}

/** Largest error over a parity result's outputs. */
async function proven(bytes: Uint8Array, c: ParityCase, tolerance: number): Promise<number> {
  return Math.max(...Object.values((await assertParity(bytes, c.feeds, c.expected, { tolerance })).maxAbsError));
}

/**
 * onnx.checker on a temporary copy: onnx 1.12's check_model(path, full_check=True) runs infer_shapes_path(path), which
 * rewrites the file in place, and a rejected file should not reach the model folder at all.
 */
export async function checkBytes(bytes: Uint8Array, filename: string): Promise<OnnxCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'webgen-check-'));
  try {
    await writeFile(join(dir, filename), bytes);
    return checkOnnxWithPython(join(dir, filename));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A file taken verbatim from another verified model folder (a latent pipeline's frozen text encoder and autoencoder),
 * with the parity its own export proved.
 */
export type CopiedFile = ModelFileInput & { parity: number };

/**
 * Proves, checks and writes the files of `parts` with the rest of the manifest (`spec`) into `dir`; `copied` files go
 * in as they are, their parity as recorded by the model they come from.
 */
export async function exportModel(dir: string, parts: ExportFile[], spec: Omit<ModelFolderSpec, 'files' | 'parity'>, copied: Record<string, CopiedFile> = {}): Promise<ExportModelResult> {
  const files: Record<string, ModelFileInput> = {};
  const byFile: Record<string, number> = {};
  for (const [role, { parity, ...file }] of Object.entries(copied)) {
    files[role] = file;
    byFile[role] = parity;
  }
  let fp16MaxAbsError: number | undefined;
  let int8MaxAbsError: number | undefined;
  let skipped: string | undefined;
  for (const p of parts) {
    const bytes = p.build(false);
    byFile[p.role] = await proven(bytes, p.parity, DEFAULT_PARITY_TOLERANCE);
    files[p.role] = { bytes, filename: p.filename };
    if (p.fp16) {
      const half = p.build(true);
      fp16MaxAbsError = Math.max(fp16MaxAbsError ?? 0, await proven(half, p.parity, FP16_PARITY_TOLERANCE));
      if (p.fp16 === 'only') files[p.role] = { bytes: half, filename: p.filename };
      else files[p.role]!.variants = { float16: { bytes: half, filename: p.filename.replace(/\.onnx$/, '.fp16.onnx') } };
    }
    if (p.int8) {
      const int8 = quantizeWeightsInt8(bytes).bytes;
      int8MaxAbsError = Math.max(int8MaxAbsError ?? 0, await proven(int8, p.parity, INT8_PARITY_TOLERANCE));
      files[p.role]!.variants = { ...files[p.role]!.variants, int8: { bytes: int8, filename: p.filename.replace(/\.onnx$/, '.int8.onnx') } };
    }
    const f = files[p.role]!;
    for (const { bytes: bytesOf, filename: name } of [f, ...Object.values(f.variants ?? {})]) {
      const check = await checkBytes(bytesOf, name);
      if (!check.ok && !check.skipped) throw new WebgenError(`onnx.checker rejected ${name} (nothing written to ${dir}): ${check.message}`);
      skipped ??= check.skipped;
    }
  }
  const maxAbsError = Math.max(...Object.values(byFile));
  const manifest = await writeModelFolder(dir, {
    ...spec,
    files,
    parity: { maxAbsError, tolerance: DEFAULT_PARITY_TOLERANCE, ...(fp16MaxAbsError !== undefined && { fp16MaxAbsError }), ...(int8MaxAbsError !== undefined && { int8MaxAbsError }), byFile },
  });
  return { manifest, maxAbsError, byFile, ...(fp16MaxAbsError !== undefined && { fp16MaxAbsError }), ...(int8MaxAbsError !== undefined && { int8MaxAbsError }), checker: skipped === undefined ? 'passed' : `skipped (${skipped})` };
}
