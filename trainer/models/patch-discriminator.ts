/**
 * The pix2pix discriminator (Isola et al. 2017, §3.2.2 and appendix 6.1.2): a conditional PatchGAN. It sees the input
 * and an output (real or generated) stacked on the channel axis and answers one logit per overlapping patch, so it
 * judges only local texture and style; the L1 term of G's loss carries the low frequencies.
 *
 * Layers (the official code's `NLayerDiscriminator` with `n_layers = layers`): C64 (4×4 conv, stride 2, no norm) →
 * `layers − 1` more C_k at stride 2 → one C_k at stride 1 → a 4×4 conv to 1 channel at stride 1; every C_k is
 * conv → instance norm → LeakyReLU 0.2, channels doubling up to 8× the first. layers = 3 is the paper's 70×70 PatchGAN,
 * 2 its 34×34, 1 its 16×16 (patchReceptiveField pins these).
 *
 * `conditional: false` is CycleGAN's D (Zhu et al. 2017, §4): the same layers on one image alone, since with unpaired
 * data there is no input to condition on.
 */
import * as tf from '@tensorflow/tfjs';
import { Conv2d } from '../nn/conv2d.js';
import type { GroupNorm } from '../nn/group-norm.js';
import { LeakyReLU } from '../nn/leaky-relu.js';
import { Module, ModuleList } from '../nn/module.js';
import { Rng } from '../../sdk/random/rng.js';
import { instanceNorm } from './pix2pix-unet.js';

export interface PatchDiscriminatorConfig {
  /** Channels of one image: a conditional D sees 2 × channels (input and output), an unconditional one `channels`. */
  channels: number;
  /** Sees (input, output) stacked (pix2pix) or one image (CycleGAN). Default true. */
  conditional?: boolean;
  /** Channels of the first layer. */
  width: number;
  /** Strided layers (n_layers): 1 → 16×16 patches, 2 → 34×34, 3 → 70×70. */
  layers: number;
}

/** The strides of the 4×4 convs of a PatchGAN with `layers` strided layers, input to output. */
export function patchStrides(layers: number): number[] {
  return [...Array<number>(layers).fill(2), 1, 1];
}

/** Side of the input patch one output logit sees: r ← (r − 1)·s + k, from the output back to the input. */
export function patchReceptiveField(layers: number): number {
  return patchStrides(layers).reduceRight((r, s) => (r - 1) * s + 4, 1);
}

class PatchLayer extends Module {
  readonly conv: Conv2d;
  readonly norm: GroupNorm | null;
  constructor(rng: Rng, cin: number, cout: number, stride: number, norm: boolean) {
    super();
    this.conv = this.addModule('conv', new Conv2d(rng, cin, cout, { kernelSize: 4, stride, padding: 1 }));
    this.norm = norm ? this.addModule('norm', instanceNorm(rng, cout)) : null;
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = this.conv.apply(x);
      return this.norm ? this.norm.apply(y) : y;
    });
  }
}

export class PatchDiscriminator extends Module {
  readonly layers: ModuleList<PatchLayer>;
  readonly act = new LeakyReLU(0.2);

  constructor(readonly config: PatchDiscriminatorConfig, seed: number) {
    super();
    const { channels, width, layers } = config;
    if (!(Number.isInteger(layers) && layers >= 1)) throw new Error(`PatchDiscriminator: layers must be an integer >= 1, got ${layers}`);
    const rng = new Rng(seed);
    this.layers = this.addModule('layers', new ModuleList<PatchLayer>());
    const strides = patchStrides(layers);
    let cin = this.conditional ? 2 * channels : channels;
    strides.forEach((s, i) => {
      const last = i === strides.length - 1;
      const cout = last ? 1 : width * Math.min(2 ** i, 8);
      this.layers.push(new PatchLayer(rng, cin, cout, s, i > 0 && !last));
      cin = cout;
    });
  }

  get conditional(): boolean {
    return this.config.conditional ?? true;
  }

  /** The receptive field of one logit, in pixels. */
  get receptiveField(): number {
    return patchReceptiveField(this.config.layers);
  }

  /**
   * Conditional: input, output [B, S, S, C]; unconditional: one image [B, S, S, C] → one logit per patch, flattened:
   * [B · P].
   */
  apply(input: tf.Tensor4D, output?: tf.Tensor4D): tf.Tensor1D {
    if ((output !== undefined) !== this.conditional) throw new Error(`PatchDiscriminator: a${this.conditional ? ' conditional D takes (input, output)' : 'n unconditional D takes one image'}`);
    return tf.tidy(() => {
      let h = output ? tf.concat([input, output], 3) : input;
      const items = this.layers.items;
      items.forEach((layer, i) => {
        h = layer.apply(h);
        if (i < items.length - 1) h = this.act.apply(h);
      });
      return h.reshape([-1]) as tf.Tensor1D;
    });
  }
}
