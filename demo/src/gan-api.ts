/**
 * The GAN explorer's use of the SDK: createGan (a GAN generator in the SDK's worker, like createGenerator), its
 * samples and the latent path between two of them.
 *
 *   const gan = await createGan({ model, backend, threads, onProgress });
 *   const images = await gan.generate({ latents, classLabel, signal });    // latents: [count × gan.latentDim] float32
 *   const frames = await gan.interpolate({ from: latentA, to: latentB, frames: 8, classLabel, signal });
 */
export { createGan } from 'webgen';
export type { Gan } from 'webgen';
