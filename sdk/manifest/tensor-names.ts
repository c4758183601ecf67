/**
 * The tensor names of the diffusion contract: the inputs and outputs the trainer exports (trainer/models/unet.ts,
 * text-encoder.ts) and the SDK feeds and reads (sdk/generator/). One list, so the two sides cannot drift.
 */
export const TENSOR_NAMES = {
  /** U-Net input: the noisy sample [batch, C, H, W]. */
  sample: 'sample',
  /** U-Net input: the timestep [batch]. */
  timestep: 'timestep',
  /** U-Net input of a class-conditional model: the class index [batch] (int64). */
  classLabels: 'class_labels',
  /** U-Net input of a text-conditional model: the text encoder's states [batch, sequence, width]. */
  context: 'encoder_hidden_states',
  /** U-Net input of a guidance-distilled student: the classifier-free guidance scale it draws with [batch]. */
  guidanceScale: 'guidance_scale',
  /** U-Net output: ε, x₀ or v, as the manifest's prediction type says [batch, C, H, W]. */
  output: 'model_output',
  /** Text encoder input: token ids [batch, maxLength] (int64). */
  inputIds: 'input_ids',
  /** Text encoder output: per-token states [batch, maxLength, width]. */
  hidden: 'last_hidden_state',
} as const;

/** The GAN generator's contract (trainer/gan/export-generator.ts, sdk/gan/): latent [batch, dim] → image [batch, C, H, W]. */
export const GAN_TENSOR_NAMES = { latent: 'z', classLabels: 'class_labels', image: 'image' } as const;

/** A style-based generator's extra inputs (trainer/models/gan-stylegan.ts): w-space truncation and style mixing. */
export const STYLE_TENSOR_NAMES = { psi: 'truncation_psi', mixLatent: 'z_mix', crossover: 'mix_crossover' } as const;

/**
 * The autoencoder's contract (trainer/autoencoder/export-autoencoder.ts, sdk/autoencoder/): encoder image → latent
 * (and a VQ encoder's code indices), decoder latent → image.
 */
export const AUTOENCODER_TENSOR_NAMES = { image: 'image', latent: 'latent', codes: 'codes' } as const;

/**
 * The CLIP contract (trainer/clip/export-clip.ts): the image encoder maps image → image_embeds, the text encoder
 * input_ids → text_embeds (and the per-token states, as the diffusion text encoder names them).
 */
export const CLIP_TENSOR_NAMES = { image: 'image', imageEmbeds: 'image_embeds', inputIds: TENSOR_NAMES.inputIds, textEmbeds: 'text_embeds', hidden: TENSOR_NAMES.hidden } as const;

/**
 * A text-conditioned U-Net's optional extra outputs: the cross-attention probabilities of each cross-attention layer,
 * `cross_attention_0`, `cross_attention_1`, … [batch, heads, queries (the layer's h·w), tokens] (the SDK's attentionMaps).
 */
export const CROSS_ATTENTION_PREFIX = 'cross_attention_';

/**
 * The classifier contract (trainer/models/classifier-net.ts, sdk/classifier/, sdk/fid/): images [batch, C, H, W] →
 * logits [batch, K], features [batch, F] (the FID space) and grad_cam [batch, h, w] (the predicted class's Grad-CAM
 * map on the last convolution block, trainer/explain/grad-cam-graph.ts).
 */
export const CLASSIFIER_TENSOR_NAMES = { images: 'images', logits: 'logits', features: 'features', gradCam: 'grad_cam' } as const;

/**
 * The image-to-image translator's contract (trainer/translator/export-translator.ts, sdk/translator/): image
 * [batch, C, H, W] in the source style → translated, the same shape, in the target style. The output has its own
 * name because an ONNX graph cannot produce a value under the name of one of its inputs.
 */
export const TRANSLATOR_TENSOR_NAMES = { image: 'image', output: 'translated' } as const;
