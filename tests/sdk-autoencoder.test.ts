// The SDK's autoencoder API (createAutoencoder, issue 18) on onnxruntime-node: the shipped emoji-vae on real emoji
// from the committed fixture (reconstruction quality, alpha kept, walks), tiny VQ and flat-latent exports of the
// smoke recipe (codes, traversals of a component), and bad input at every parameter.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { psnr } from '../sdk/metrics/image-quality.js';
import { AbortError, createAutoencoder, InvalidInputError, ModelLoadError, type Autoencoder, type RgbaImage } from '../sdk/node.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-sdk-ae-'));
const EMOJI = join(REPO_ROOT, 'tests', 'fixtures', 'emoji', 'emoji-datasource-google-16.0.0', 'package', 'img', 'google', '64');
const SMOKE = ['autoencoder', 'autoencoder-smoke', '--backend', 'cpu', '--threads', '1'];

let vae: Autoencoder;
let vq: Autoencoder;
let flat: Autoencoder;
let emoji: RgbaImage[];

beforeAll(async () => {
  emoji = readdirSync(EMOJI).filter((f) => f.endsWith('.png')).sort().slice(0, 8).map((f) => {
    const png = PNG.sync.read(readFileSync(join(EMOJI, f)));
    return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
  });
  const [a, b] = await Promise.all([
    runCli([...SMOKE, '--kind', 'vq', '--codes', '16', '--out', join(tmp, 'vq-run'), '--export', join(tmp, 'vq')]),
    runCli([...SMOKE, '--latent-dim', '3', '--out', join(tmp, 'flat-run'), '--export', join(tmp, 'flat')]),
  ]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  vae = await createAutoencoder({ model: join(REPO_ROOT, 'models', 'emoji-vae') });
  vq = await createAutoencoder({ model: join(tmp, 'vq') });
  flat = await createAutoencoder({ model: join(tmp, 'flat') });
}, 240_000);

afterAll(async () => {
  await Promise.all([vae?.dispose(), vq?.dispose(), flat?.dispose()]);
  rmSync(tmp, { recursive: true, force: true });
});

/** RGB composited over white, as bytes / 255 (the card's PSNR). */
function overWhite(d: ArrayLike<number>): Float32Array {
  const out = new Float32Array((d.length / 4) * 3);
  for (let p = 0; p < d.length / 4; p++) {
    const a = d[p * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = (d[p * 4 + c]! * a + 255 * (1 - a)) / 255;
  }
  return out;
}

describe('createAutoencoder (Node) on the shipped emoji-vae', () => {
  it('describes its latent space', () => {
    expect(vae.backend).toBe('cpu');
    expect(vae.manifest.kind).toBe('autoencoder');
    expect(vae.latentShape).toEqual([4, 16, 16]);
    expect(vae.quantization).toBe('kl');
    expect(vae.scalingFactor).toBeGreaterThan(0);
  });

  it('encodes a batch to [n, 4, 16, 16] and reconstructs real emoji above 20 dB with their transparent background', async () => {
    const z = await vae.encode(emoji);
    expect(z.shape).toEqual([8, 4, 16, 16]);
    expect(z.data.length).toBe(8 * 4 * 16 * 16);
    const out = await vae.decode(z);
    expect(out).toHaveLength(8);
    for (const [i, r] of out.entries()) {
      expect([r.width, r.height]).toEqual([64, 64]);
      expect(psnr(overWhite(emoji[i]!.data), overWhite(r.data))).toBeGreaterThan(20);
      expect(r.data[3]).toBeLessThan(40); // the corner stays transparent
      expect(r.data[(32 * 64 + 32) * 4 + 3]).toBeGreaterThan(200); // the middle stays opaque
    }
    const again = await vae.reconstruct(emoji[0]!);
    expect(Array.from(again[0]!.data)).toEqual(Array.from(out[0]!.data));
  });

  it('a batch gives the same latents as one image at a time, and a larger input is resized first', async () => {
    const z = await vae.encode(emoji.slice(0, 2));
    const z1 = await vae.encode(emoji[1]!);
    const per = 4 * 16 * 16;
    expect(Math.max(...z1.data.map((v, i) => Math.abs(v - z.data[per + i]!)))).toBeLessThan(1e-4);
    const big = { width: 128, height: 128, data: new Uint8ClampedArray(128 * 128 * 4) };
    for (let p = 0; p < 128 * 128; p++) big.data.set(emoji[0]!.data.subarray(((p >> 8) * 64 + ((p & 127) >> 1)) * 4, ((p >> 8) * 64 + ((p & 127) >> 1)) * 4 + 4), p * 4);
    const zb = await vae.encode(big);
    expect(zb.shape).toEqual([1, 4, 16, 16]);
    const [rb, rs] = await vae.decode({ data: Float32Array.from([...zb.data, ...z.data.subarray(0, per)]), shape: [2, 4, 16, 16] });
    expect(psnr(overWhite(rb!.data), overWhite(rs!.data))).toBeGreaterThan(25); // the same picture, slightly softened by the resize
  });

  it('interpolate: frames from one image to another, the ends equal the reconstructions', async () => {
    const frames = await vae.interpolate({ from: emoji[0]!, to: emoji[1]!, frames: 5 });
    expect(frames).toHaveLength(5);
    const [ra, rb] = await vae.reconstruct([emoji[0]!, emoji[1]!]);
    expect(Array.from(frames[0]!.data)).toEqual(Array.from(ra!.data));
    expect(Array.from(frames[4]!.data)).toEqual(Array.from(rb!.data));
    const mid = psnr(overWhite(frames[2]!.data), overWhite(ra!.data));
    expect(mid).toBeLessThan(psnr(overWhite(frames[1]!.data), overWhite(ra!.data)));
    // latents are accepted as ends too
    const z = await vae.encode(emoji[1]!);
    const again = await vae.interpolate({ from: emoji[0]!, to: z, frames: 2 });
    expect(Array.from(again[1]!.data)).toEqual(Array.from(rb!.data));
  });

  it('traverse: a channel shifted over the range; offset 0 is the reconstruction', async () => {
    const frames = await vae.traverse({ image: emoji[0]!, dim: 2, range: [-2, 2], frames: 3 });
    expect(frames).toHaveLength(3);
    const [r] = await vae.reconstruct(emoji[0]!);
    expect(Array.from(frames[1]!.data)).toEqual(Array.from(r!.data));
    expect(Array.from(frames[0]!.data)).not.toEqual(Array.from(frames[2]!.data));
    expect(await vae.traverse({ image: emoji[0]!, dim: 0 })).toHaveLength(7);
  });
});

describe('createAutoencoder (Node): VQ and flat latents', () => {
  it('a VQ-VAE encodes to codebook entries: every latent vector is one of few distinct codes', async () => {
    expect(vq.quantization).toBe('vq');
    const img = { width: 32, height: 32, data: new Uint8ClampedArray(32 * 32 * 4).fill(200) };
    const z = await vq.encode(img);
    const [c, h, w] = vq.latentShape as [number, number, number];
    const vectors = new Set<string>();
    for (let p = 0; p < h * w; p++) vectors.add(Array.from({ length: c }, (_, k) => z.data[k * h * w + p]!.toFixed(5)).join(','));
    expect(vectors.size).toBeLessThanOrEqual(16);
    const [r] = await vq.decode(z);
    expect(r!.data[3]).toBe(255); // an RGB model's images are opaque
  });

  it('a flat latent: traverse sets one component to each value of the range', async () => {
    expect(flat.latentShape).toEqual([3]);
    const img = { width: 32, height: 32, data: new Uint8ClampedArray(32 * 32 * 4).fill(90) };
    const frames = await flat.traverse({ image: img, dim: 1, range: [-3, 3], frames: 4 });
    expect(frames).toHaveLength(4);
    const z = await flat.encode(img);
    const set = Float32Array.from(z.data);
    set[1] = 3;
    const [want] = await flat.decode({ data: set, shape: [1, 3] });
    expect(Array.from(frames[3]!.data)).toEqual(Array.from(want!.data));
  });
});

describe('createAutoencoder (Node): bad input', () => {
  const bad = async (p: Promise<unknown>, parameter: string, message?: RegExp) => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).parameter).toBe(parameter);
    if (message) expect((err as Error).message).toMatch(message);
  };
  const latent = (n = 1) => ({ data: new Float32Array(n * 1024), shape: [n, 4, 16, 16] });

  it('refuses another kind of model, unknown options and per-call options at creation', async () => {
    await bad(createAutoencoder({ model: join(REPO_ROOT, 'models', 'mnist-dcgan') }), 'model', /kind 'autoencoder'.*'gan-generator'/);
    await bad(createAutoencoder({ model: join(REPO_ROOT, 'models', 'emoji-vae'), frames: 3 } as never), 'frames', /each call/);
    await bad(createAutoencoder({ model: join(REPO_ROOT, 'models', 'emoji-vae'), backend: 'webgpu' }), 'backend');
  });

  it('refuses malformed latents, naming the field', async () => {
    await bad(vae.decode(undefined as never), 'latents');
    await bad(vae.decode(new Float32Array(1024) as never), 'latents');
    await bad(vae.decode({ data: [0] as never, shape: [1, 4, 16, 16] }), 'latents.data', /Float32Array/);
    await bad(vae.decode({ data: new Float32Array(1024), shape: [1, 4, 8, 8] }), 'latents.shape', /\[count, 4, 16, 16\]/);
    await bad(vae.decode({ data: new Float32Array(1000), shape: [1, 4, 16, 16] }), 'latents.data', /1024 numbers/);
    await bad(vae.decode({ data: new Float32Array(65 * 1024), shape: [65, 4, 16, 16] }), 'latents.shape[0]');
    const nan = latent();
    nan.data[7] = NaN;
    await bad(vae.decode(nan), 'latents.data', /index 7 is NaN/);
  });

  it('refuses bad images, frames, dims and ranges', async () => {
    await bad(vae.encode([]), 'images');
    await bad(vae.encode(undefined as never), 'images');
    await bad(vae.encode({ width: 64, height: 64, data: new Uint8ClampedArray(10) }), 'images.data', /16384 RGBA bytes/);
    await bad(vae.encode([emoji[0]!, 'x' as never]), 'images[1]');
    await bad(vae.reconstruct(emoji[0]!, 3 as never), 'options');
    await bad(vae.interpolate(undefined as never), 'options');
    await bad(vae.interpolate({ from: emoji[0]!, to: undefined as never }), 'to');
    await bad(vae.interpolate({ from: emoji[0]!, to: emoji[1]!, frames: 1 }), 'frames');
    await bad(vae.interpolate({ from: latent(2), to: emoji[1]! }), 'from.shape[0]');
    await bad(vae.traverse({ image: emoji[0]!, dim: 4 }), 'dim', /channel.*\[4,16,16\]/);
    await bad(vae.traverse({ image: emoji[0]!, dim: 0, range: [0, Infinity] }), 'range[1]');
    await bad(vae.traverse({ image: emoji[0]!, dim: 0, range: 3 as never }), 'range');
    await bad(vae.decode(latent(), { signal: 'stop' as never }), 'signal');
    // Unknown option names of a call, as everywhere else in the SDK.
    await bad(vae.encode(emoji[0]!, { sigal: 1 } as never), 'sigal', /not an option of encode\(\) \(did you mean 'signal'\?\)/);
    await bad(vae.traverse({ image: emoji[0]!, dim: 0, frame: 3 } as never), 'frame', /did you mean 'frames'/);
    await bad(vae.reconstruct(emoji[0]!, { threads: 2 } as never), 'threads', /option of createAutoencoder\(\), where the model is loaded/);
  });

  it('an aborted signal rejects with AbortError; a disposed autoencoder with ModelLoadError; the model still works after errors', async () => {
    const c = new AbortController();
    c.abort();
    await expect(vae.decode(latent(), { signal: c.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(createAutoencoder({ model: join(REPO_ROOT, 'models', 'emoji-vae'), signal: c.signal })).rejects.toBeInstanceOf(AbortError);
    expect(await vae.decode(latent())).toHaveLength(1);
    const other = await createAutoencoder({ model: join(REPO_ROOT, 'models', 'emoji-vae') });
    await other.dispose();
    await expect(other.decode(latent())).rejects.toBeInstanceOf(ModelLoadError);
  });
});
