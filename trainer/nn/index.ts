/** The layer library: each layer has a tfjs forward (`apply`, NHWC) and an ONNX writer (`toOnnx`, NCHW). */
export { Module, ModuleList, type Init } from './module.js';
export { Conv2d, type Conv2dOptions } from './conv2d.js';
export { Downsample } from './downsample.js';
export { Upsample, upsampleNearest2x } from './upsample.js';
export { Dense, type DenseOptions } from './dense.js';
export { GroupNorm, type GroupNormOptions } from './group-norm.js';
export { LayerNorm } from './layer-norm.js';
export { SiLU } from './silu.js';
export { GELU } from './gelu.js';
export { MultiHeadAttention, type MultiHeadAttentionOptions } from './attention.js';
export { AttentionBlock, type AttentionBlockOptions } from './attention-block.js';
export { SinusoidalTimestepEmbedding } from './timestep-embedding.js';
export { Embedding } from './embedding.js';
export { ResBlock } from './res-block.js';
export { Mlp } from './mlp.js';
export { TransformerBlock } from './transformer-block.js';
