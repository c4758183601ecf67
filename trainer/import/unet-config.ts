/**
 * diffusers' U-Net config.json (UNet2DModel / UNet2DConditionModel.save_pretrained; Optimum copies it beside
 * unet/model.onnx): the sizes it declares, to check the ONNX file against and to fill the sizes the file leaves
 * symbolic. Absent file: undefined (the ONNX file's own shapes and --sample-shape decide).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ImportError } from '../errors/import-error.js';

/** The sizes of a U-Net config; each undefined when the config omits it. */
export interface UnetConfig {
  /** in_channels: C of the sample. */
  inChannels?: number;
  /** out_channels: C of the output (2·C for a learned-variance model, which webgen cannot drive). */
  outChannels?: number;
  /** sample_size as [H, W] (diffusers allows one number for square samples). */
  sampleSize?: [number, number];
}

/** Reads `path` if it exists; an unreadable or malformed one is an ImportError naming the field. */
export async function readUnetConfig(path: string): Promise<UnetConfig | undefined> {
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ImportError(path, '(file)', `is not JSON (${(err as Error).message})`, 'save the U-Net with unet.save_pretrained(dir), or delete the file');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ImportError(path, '(file)', 'is not a JSON object', 'save the U-Net with unet.save_pretrained(dir)');
  const c = json as Record<string, unknown>;
  const positive = (field: string): number | undefined => {
    const v = c[field];
    if (v === undefined || v === null) return undefined;
    if (!(Number.isInteger(v) && (v as number) > 0)) throw new ImportError(path, field, `is ${JSON.stringify(v)}, not a positive integer`, 'correct config.json');
    return v as number;
  };
  const out: UnetConfig = {};
  const inChannels = positive('in_channels');
  if (inChannels !== undefined) out.inChannels = inChannels;
  const outChannels = positive('out_channels');
  if (outChannels !== undefined) out.outChannels = outChannels;
  const size = c.sample_size;
  if (Array.isArray(size)) {
    if (size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) throw new ImportError(path, 'sample_size', `is ${JSON.stringify(size)}, not a positive integer or [height, width]`, 'correct config.json');
    out.sampleSize = [size[0], size[1]];
  } else if (size !== undefined && size !== null) {
    const s = positive('sample_size')!;
    out.sampleSize = [s, s];
  }
  return out;
}
