/**
 * Saved FID statistics (`.fidstats`): what `FidScorer.saveStats()` writes and `loadStats()` / the CLI read.
 *
 *   bytes 0–7   "WGFIDST1"
 *   8–11        header length H (uint32 LE)
 *   12…         header: UTF-8 JSON { format, version, count, dim, kidRows, extractor?, note? }, space-padded so
 *               the arrays start at a multiple of 8
 *   then        mean float64 [dim]; covariance lower triangle row by row float64 [dim·(dim+1)/2];
 *               KID sample float32 [kidRows, dim] (a uniform sample of the features, for KID against them)
 * All numbers little-endian.
 */
import { StatsFormatError } from '../errors/stats-format-error.js';
import type { FeatureStats } from './stats.js';

/** Statistics plus an optional feature sample for KID, as saved. */
export interface SavedStats extends FeatureStats {
  /** [kidRows, dim] features sampled uniformly from those the statistics come from; absent when none were kept. */
  kidFeatures?: Float32Array;
  /** Names the extractor the features came from (e.g. 'mnist-classifier/features'); a mismatch is an error at compare time. */
  extractor?: string;
  /** Free text: how the statistics were made. */
  note?: string;
}

const MAGIC = 'WGFIDST1';

/** Encodes statistics as `.fidstats` bytes. */
export function encodeStats(s: SavedStats): Uint8Array {
  const d = s.dim;
  const kidRows = s.kidFeatures ? s.kidFeatures.length / d : 0;
  let header = JSON.stringify({ format: 'webgen-fid-stats', version: 1, count: s.count, dim: d, kidRows, ...(s.extractor && { extractor: s.extractor }), ...(s.note && { note: s.note }) });
  const headerBytes = () => new TextEncoder().encode(header);
  while ((12 + headerBytes().length) % 8 !== 0) header += ' ';
  const h = headerBytes();
  const tri = (d * (d + 1)) / 2;
  const size = 12 + h.length + 8 * (d + tri) + 4 * kidRows * d;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, h.length, true);
  out.set(h, 12);
  let o = 12 + h.length;
  for (let j = 0; j < d; j++, o += 8) view.setFloat64(o, s.mean[j]!, true);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++, o += 8) view.setFloat64(o, s.cov[i * d + j]!, true);
  if (s.kidFeatures) for (let i = 0; i < s.kidFeatures.length; i++, o += 4) view.setFloat32(o, s.kidFeatures[i]!, true);
  return out;
}

/** True when `bytes` start like a `.fidstats` file. */
export function isStatsFile(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 8)) === MAGIC;
}

/** Decodes `.fidstats` bytes; StatsFormatError (naming `name`) for anything else or a truncated file. */
export function decodeStats(bytes: Uint8Array, name = 'stats'): SavedStats {
  if (!isStatsFile(bytes)) throw new StatsFormatError(`${name}: not a webgen FID statistics file (no WGFIDST1 magic); make one with FidScorer.saveStats() or 'webgen fid --save-stats'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = view.getUint32(8, true);
  if (12 + hl > bytes.length) throw new StatsFormatError(`${name}: truncated header`);
  let head: { format?: string; version?: number; count?: number; dim?: number; kidRows?: number; extractor?: string; note?: string };
  try {
    head = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hl)));
  } catch {
    throw new StatsFormatError(`${name}: header is not JSON`);
  }
  if (head.format !== 'webgen-fid-stats' || head.version !== 1) throw new StatsFormatError(`${name}: format ${head.format} version ${head.version}; this SDK reads webgen-fid-stats version 1`);
  const d = head.dim!;
  const kidRows = head.kidRows ?? 0;
  if (!(Number.isInteger(d) && d >= 1 && Number.isInteger(head.count) && Number.isInteger(kidRows) && kidRows >= 0)) throw new StatsFormatError(`${name}: header has a bad dim, count or kidRows`);
  const tri = (d * (d + 1)) / 2;
  const need = 12 + hl + 8 * (d + tri) + 4 * kidRows * d;
  if (bytes.length !== need) throw new StatsFormatError(`${name}: ${bytes.length} bytes, but dim ${d} and ${kidRows} KID rows need ${need} (truncated or corrupt)`);
  let o = 12 + hl;
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++, o += 8) mean[j] = view.getFloat64(o, true);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++, o += 8) {
      const v = view.getFloat64(o, true);
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  let kidFeatures: Float32Array | undefined;
  if (kidRows) {
    kidFeatures = new Float32Array(kidRows * d);
    for (let i = 0; i < kidFeatures.length; i++, o += 4) kidFeatures[i] = view.getFloat32(o, true);
  }
  return { count: head.count!, dim: d, mean, cov, ...(kidFeatures && { kidFeatures }), ...(head.extractor && { extractor: head.extractor }), ...(head.note && { note: head.note }) };
}
