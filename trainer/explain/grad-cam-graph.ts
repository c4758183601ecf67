/**
 * Grad-CAM (Selvaraju et al. 2017) inside a classifier's ONNX graph, so that a browser gets the map from the same
 * forward pass with no autograd and no weights of its own: the output `grad_cam` [batch, h, w] is the map of each
 * image's predicted class (ArgMax of the logits) on the last convolution block's maps A [batch, C, h, w].
 *
 * The head is pooled grid → dense (W1) → SiLU → dense (W2), so the gradient of logit k is closed-form:
 *   u = SiLU'(pre) ⊙ W2[:, k]                     [F]
 *   ∂logit_k/∂pooled = u · W1ᵀ                     [C·G·G]  (the pooled grid flattened as (C, G, G))
 *   α_c = mean over (y, x) of ∂logit_k/∂A[c, y, x] = Σ_cells ∂logit_k/∂pooled[c, cell] / (h·w)
 *   map = ReLU(Σ_c α_c A[c])
 * (each A[c, y, x] reaches one pooled cell with weight 1/(cell area), so the cell areas cancel). About 0.6 MFLOP per
 * image on emoji-judge, beside the network's own ~130: computed on every run, fetched only by who asks. tfjs' autograd
 * (grad-cam.ts) is the reference it is tested against.
 */
import { CLASSIFIER_TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';
import type { OnnxGraph } from '../export/onnx-graph.js';

/** Where the head's tensors are in the graph. */
export interface GradCamGraphInputs {
  /** A: [batch, C, h, w]. */
  maps: string;
  /** The feature layer before its SiLU: [batch, F]. */
  pre: string;
  /** [batch, K]. */
  logits: string;
  /** W1's initializer [C·G·G, F] and W2's [F, K]. */
  featureKernel: string;
  logitKernel: string;
  dims: { channels: number; height: number; width: number; grid: number };
}

/** Adds the nodes and the `grad_cam` output [batch, h, w]. */
export function addGradCamOutput(g: OnnxGraph, t: GradCamGraphInputs): void {
  const { channels: C, height: h, width: w, grid: G } = t.dims;
  const name = (s: string) => ({ name: `grad_cam/${s}` });
  const one = g.constFloat([1], [], 'grad_cam.one');
  // SiLU'(x) = σ(x)·(1 + x·(1 − σ(x)))
  const [s] = g.node('Sigmoid', [t.pre], {}, name('Sigmoid'));
  const [oneMinus] = g.node('Sub', [one, s!], {}, name('Sub'));
  const [xTimes] = g.node('Mul', [t.pre, oneMinus!], {}, name('Mul'));
  const [onePlus] = g.node('Add', [one, xTimes!], {}, name('Add'));
  const [dSilu] = g.node('Mul', [s!, onePlus!], {}, name('SiluGrad'));
  // W2[:, k] for each image's predicted class k
  const [k] = g.node('ArgMax', [t.logits], { axis: { int: 1 }, keepdims: { int: 0 } }, name('ArgMax'));
  const [w2t] = g.node('Transpose', [t.logitKernel], { perm: { ints: [1, 0] } }, name('TransposeHead'));
  const [column] = g.node('Gather', [w2t!, k!], { axis: { int: 0 } }, name('Gather'));
  const [u] = g.node('Mul', [dSilu!, column!], {}, name('MulColumn'));
  // ∂logit/∂pooled = u · W1ᵀ, then α_c: the sum over c's cells / (h·w)
  const [dPooled] = g.node('Gemm', [u!, t.featureKernel], { transB: { int: 1 } }, name('Gemm'));
  const [perChannel] = g.node('Reshape', [dPooled!, g.constInt64([0, C, G * G], 'grad_cam.cells')], {}, name('ReshapeCells'));
  const [sums] = g.node('ReduceSum', [perChannel!, g.constInt64([2], 'grad_cam.axis2')], { keepdims: { int: 1 } }, name('ReduceCells'));
  const [alpha] = g.node('Mul', [sums!, g.constFloat([1 / (h * w)], [], 'grad_cam.area')], {}, name('Alpha'));
  // map = ReLU(Σ_c α_c A[c])
  const [flat] = g.node('Reshape', [t.maps, g.constInt64([0, C, h * w], 'grad_cam.flat')], {}, name('ReshapeMaps'));
  const [weighted] = g.node('Mul', [flat!, alpha!], {}, name('Weigh'));
  const [summed] = g.node('ReduceSum', [weighted!, g.constInt64([1], 'grad_cam.axis1')], { keepdims: { int: 0 } }, name('ReduceChannels'));
  const [relu] = g.node('Relu', [summed!], {}, name('Relu'));
  const [map] = g.node('Reshape', [relu!, g.constInt64([0, h, w], 'grad_cam.shape')], {}, name('ReshapeMap'));
  g.aliasOutput(map!, CLASSIFIER_TENSOR_NAMES.gradCam, 'float32', ['batch', h, w]);
}
