/**
 * The autoencoder family's model: encoder, decoder and, for VQ-VAE, the vector quantiser, with the losses of one
 * batch. Every loss is per value of the image (nats per pixel channel), so figures compare across image sizes:
 *
 *   KL-VAE (β-VAE when β > 1):  mse / (2σ²) + β · KL(q(z|x) ‖ N(0, I)) / values        (Kingma & Welling 2014)
 *   VQ-VAE:                     mse / (2σ²) + β_c · ‖z_e − sg(e)‖²  (codebook by EMA)  (van den Oord et al. 2017)
 *
 * mse is over straight colour premultiplied by alpha, and alpha (RGBA), or the image's values (grey, RGB): a fully
 * transparent pixel's colour costs nothing, as it shows nothing.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';
import { Decoder, Encoder, checkAutoencoderNet, latentShape, premultiply, type AutoencoderNetConfig } from './autoencoder-net.js';
import { VectorQuantizer, type QuantizeStats } from './vector-quantizer.js';

export interface AutoencoderLossOptions {
  /** σ of the Gaussian likelihood, in model units ([-1, 1]): the reconstruction weighs 1/(2σ²) per value. */
  reconSigma: number;
  /** β of the KL term (1 = the VAE's ELBO; > 1 the β-VAE). */
  beta: number;
  /** β of VQ-VAE's commitment loss (the paper: 0.25). */
  commitment: number;
}

export interface AutoencoderModelConfig extends AutoencoderNetConfig {
  /** VQ: codebook size K. */
  codes: number;
  /** VQ: EMA decay of the codebook. */
  vqDecay: number;
}

/** The terms of one batch's loss (plain numbers) and the scalar to differentiate. */
export interface AutoencoderLoss {
  loss: tf.Scalar;
  /** Mean squared error per value, model units. */
  mse: number;
  /** KL per image, nats (KL only). */
  kl?: number;
  /** Commitment term (VQ only). */
  commitment?: number;
  /** VQ: the assignments, for the codebook update after the step. */
  assignments?: { indices: Int32Array; flat: Float32Array };
}

export class Autoencoder {
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  readonly vq: VectorQuantizer | undefined;

  constructor(readonly config: AutoencoderModelConfig, rng: Rng) {
    checkAutoencoderNet(config);
    this.encoder = new Encoder(config, rng);
    this.decoder = new Decoder(config, rng);
    this.vq = config.kind === 'vq' ? new VectorQuantizer({ codes: config.codes, dim: config.latentChannels, decay: config.vqDecay }, rng) : undefined;
  }

  /** Trainable variables under 'encoder.' and 'decoder.' (the codebook learns by EMA: see buffers()). */
  namedVariables(): Map<string, tf.Variable> {
    return new Map([
      ...[...this.encoder.namedVariables()].map(([k, v]) => [`encoder.${k}`, v] as const),
      ...[...this.decoder.namedVariables()].map(([k, v]) => [`decoder.${k}`, v] as const),
    ]);
  }

  /** Non-trained state a checkpoint must hold (the VQ codebook and its averages). */
  buffers(): Map<string, tf.Variable> {
    return this.vq ? new Map([...this.vq.buffers()].map(([k, v]) => [`vq.${k}`, v])) : new Map();
  }

  parameterCount(): number {
    return this.encoder.parameterCount() + this.decoder.parameterCount() + (this.vq ? this.vq.codes * this.vq.dim : 0);
  }

  /** [h, w, c] or [d]: one image's latent. */
  latentShape(): number[] {
    return latentShape(this.config);
  }

  /**
   * The latent of each image: the posterior mean (KL) or the nearest codes (VQ), [B, ...latentShape]. Used for the
   * latent scaling factor, evaluation and the parity checks; training samples z instead.
   */
  encode(x: tf.Tensor4D): tf.Tensor {
    return tf.tidy(() => {
      const h = this.encoder.apply(x);
      if (this.vq) return this.vq.lookup(this.vq.nearest(h.reshape([-1, this.vq.dim]) as tf.Tensor2D), h.shape.slice(0, -1));
      return splitMoments(h, this.config).mean;
    });
  }

  /** Images [B, H, W, C] of latents [B, ...latentShape]. */
  decode(z: tf.Tensor): tf.Tensor4D {
    return this.decoder.apply(z);
  }

  /** One batch's loss; call inside tf.variableGrads (the VQ assignments are read inside the tape). */
  loss(x: tf.Tensor4D, opts: AutoencoderLossOptions, rng: Rng): AutoencoderLoss {
    const values = x.shape[1] * x.shape[2] * x.shape[3];
    const h = this.encoder.apply(x);
    if (this.vq) {
      const q = this.vq.quantize(h);
      const mse = reconMse(this.decoder.apply(q.zq), x);
      const loss = tf.add(tf.div(mse, 2 * opts.reconSigma ** 2), tf.mul(q.commitment, opts.commitment)) as tf.Scalar;
      return { loss, mse: mse.dataSync()[0]!, commitment: q.commitment.dataSync()[0]!, assignments: { indices: q.indices, flat: q.flat } };
    }
    const { mean, logVar } = splitMoments(h, this.config);
    const eps = tf.tensor(rng.normalArray(mean.size), mean.shape);
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    const mse = reconMse(this.decoder.apply(z), x);
    // KL(N(μ, σ²) ‖ N(0, 1)) = ½ Σ (μ² + σ² − 1 − log σ²), per image.
    const kl = tf.div(tf.mul(tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1))), 0.5), x.shape[0]) as tf.Scalar;
    const loss = tf.add(tf.div(mse, 2 * opts.reconSigma ** 2), tf.mul(kl, opts.beta / values)) as tf.Scalar;
    return { loss, mse: mse.dataSync()[0]!, kl: kl.dataSync()[0]! };
  }

  /** After an optimiser step: the VQ codebook's EMA update and restarts (no-op for KL). */
  afterStep(l: AutoencoderLoss, rng: Rng): QuantizeStats | undefined {
    return this.vq && l.assignments ? this.vq.update(l.assignments.indices, l.assignments.flat, rng) : undefined;
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
    for (const v of this.buffers().values()) v.dispose();
  }
}

/** Mean and log-variance halves of the KL encoder's output (last axis), log-variance clipped to [-30, 20] as LDM. */
export function splitMoments(h: tf.Tensor, c: AutoencoderNetConfig): { mean: tf.Tensor; logVar: tf.Tensor } {
  const z = c.latentDim > 0 ? c.latentDim : c.latentChannels;
  const [mean, logVar] = tf.split(h, [z, z], h.rank - 1);
  return { mean: mean!, logVar: tf.clipByValue(logVar!, -30, 20) };
}

/** Mean squared error per value between a decoded image and its target (RGBA: premultiplied colour and alpha). */
export function reconMse(decoded: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    if (target.shape[3] !== 4) return tf.mean(tf.square(tf.sub(decoded, target))) as tf.Scalar;
    return tf.mean(tf.square(tf.sub(premultiply(decoded), premultiply(target)))) as tf.Scalar;
  });
}
