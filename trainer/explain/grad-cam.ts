/**
 * Grad-CAM (Selvaraju et al. 2017) with tfjs' gradients, for a ClassifierNet: the gradient of the chosen class's logit
 * with respect to the last convolution block's activations A, averaged over space as the channel weights α, and
 * ReLU(Σ_c α_c A_c) as the map. The reference that the exported graph's `grad_cam` output (grad-cam-graph.ts, the
 * same without autograd) is tested against.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassifierNet } from '../models/classifier-net.js';

export interface GradCamMaps {
  /** [B, h, w] maps at the feature maps' resolution. */
  maps: Float32Array;
  /** [B, C] channel weights α. */
  weights: Float32Array;
  /** [B, C, h, w] the feature maps A (NCHW, as the SDK's version takes them). */
  featureMaps: Float32Array;
  /** [B, K] logits. */
  logits: Float32Array;
  dims: { batch: number; channels: number; height: number; width: number; classes: number };
}

/** Grad-CAM of `classes[i]` for each image of `images` [B, S, S, C] (NHWC, [-1, 1]). */
export function gradCamTf(net: ClassifierNet, images: tf.Tensor4D, classes: Int32Array): GradCamMaps {
  const A = net.featureMaps(images);
  const [B, h, w, C] = A.shape;
  const K = net.config.numClasses;
  const picked = tf.oneHot(tf.tensor1d(classes, 'int32'), K);
  // d(Σ_i logit_i[class_i]) / dA: each image's own class, one backward pass
  const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(net.head(a as tf.Tensor4D).logits, picked)))(A);
  const out = tf.tidy(() => {
    const alpha = tf.mean(grad, [1, 2]); // [B, C]
    const map = tf.relu(tf.sum(tf.mul(A, alpha.reshape([B, 1, 1, C])), 3)); // [B, h, w]
    return { alpha, map, nchw: tf.transpose(A, [0, 3, 1, 2]), logits: net.head(A).logits };
  });
  const result: GradCamMaps = {
    maps: out.map.dataSync() as Float32Array,
    weights: out.alpha.dataSync() as Float32Array,
    featureMaps: out.nchw.dataSync() as Float32Array,
    logits: out.logits.dataSync() as Float32Array,
    dims: { batch: B, channels: C, height: h, width: w, classes: K },
  };
  tf.dispose([A, picked, grad, out.alpha, out.map, out.nchw, out.logits]);
  return result;
}
