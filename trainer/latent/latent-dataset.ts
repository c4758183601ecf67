/**
 * A data set in an autoencoder's latent space: every image encoded once (the posterior mean, scaled), kept in memory,
 * with the source's captions, labels and attributes. Latent diffusion trains on these; the images are never decoded
 * while training (only the sample grids are). No augmentation: a flip would contradict captions that name a side.
 */
import type { Dataset, Example } from '../data/dataset.js';
import { checkIndex } from '../data/dataset.js';
import type { FrozenAutoencoder } from './frozen-autoencoder.js';

/** Images encoded per encoder call. */
const CHUNK = 64;

export async function encodeLatentDataset(data: Dataset, ae: FrozenAutoencoder, onProgress?: (done: number, total: number) => void): Promise<Dataset> {
  const { width: W, height: H, channels: C } = ae.manifest.image;
  if (data.width !== W || data.height !== H || data.channels !== C) {
    throw new Error(`encodeLatentDataset: data '${data.name}' is ${data.width}x${data.height}x${data.channels}; the autoencoder ${ae.dir} takes ${W}x${H}x${C}`);
  }
  const [c, h, w] = ae.latentShape;
  const per = h * w * c;
  const latents = new Float32Array(data.size * per);
  const meta: Omit<Example, 'image'>[] = [];
  for (let start = 0; start < data.size; start += CHUNK) {
    const n = Math.min(CHUNK, data.size - start);
    const images = new Float32Array(n * W * H * C);
    for (let i = 0; i < n; i++) {
      const { image, ...rest } = data.get(start + i);
      images.set(image, i * W * H * C);
      meta.push(rest);
    }
    latents.set(await ae.encode(images, n), start * per);
    onProgress?.(start + n, data.size);
  }
  const name = `${data.name} (latents of ${ae.manifest.name})`;
  return {
    name,
    size: data.size,
    width: w,
    height: h,
    channels: c,
    ...(data.numClasses !== undefined && { numClasses: data.numClasses }),
    ...(data.classNames && { classNames: data.classNames }),
    get(index: number): Example {
      checkIndex({ name, size: data.size }, index);
      return { image: latents.subarray(index * per, (index + 1) * per), ...meta[index]! };
    },
    describe: () => data.describe(),
  };
}
