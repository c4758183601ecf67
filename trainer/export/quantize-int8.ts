/**
 * Weight-only int8 (onnxruntime's QDQ form for weights): each float32 Conv and MatMul weight initializer of a proven
 * float32 ONNX file is stored as int8 with one float32 scale per output channel (symmetric, zero point 0) and read
 * back through a DequantizeLinear node. Activations and compute stay float32; the weights take a quarter of their
 * bytes. w ≈ s_c · q, q = round(w / s_c) ∈ [-127, 127], s_c = max |w_c| / 127 (per output channel c).
 *
 * Two forms of the read-back: 'cast' (default) is Cast(q) · s, which onnxruntime's constant folding turns back into
 * the float32 weight when the session opens, so a step runs exactly the float32 graph's kernels; 'dequantize-linear'
 * is the QDQ form, which onnxruntime keeps as a node (it folds DequantizeLinear only into quantized kernels): on
 * WebAssembly that is a DequantizeLinear per Conv weight per step and 8-bit MatMulNBits (slower, docs/inference-graph.md).
 */
import { WebgenError } from '../errors/webgen-error.js';
import { AttributeType, TensorDataType } from './onnx-codec.js';
import { GraphEdit } from './graph-edit.js';
import { encodeOnnxModel, readOnnxModel } from './onnx-proto.js';

/** Options of quantizeWeightsInt8. */
export interface QuantizeWeightsOptions {
  /** Weights with fewer elements stay float32 (their scales would cost more than they save). Default 1024. */
  minElements?: number;
  /** How the int8 weight is read back: 'cast' (Cast + Mul, folded at load) or 'dequantize-linear'. Default 'cast'. */
  form?: 'cast' | 'dequantize-linear';
}

export interface QuantizedModel {
  bytes: Uint8Array;
  /** How many weight tensors, and how many of their elements, are stored as int8. */
  tensors: number;
  elements: number;
}

/** Which axis of an op's weight holds the output channels: Conv [O, I/g, kH, kW] → 0, MatMul B [K, N] → 1. */
const WEIGHT_AXIS: Record<string, { input: number; axis: number; rank: number }> = {
  Conv: { input: 1, axis: 0, rank: 4 },
  MatMul: { input: 1, axis: 1, rank: 2 },
};

/** DequantizeLinear with a per-axis scale is opset 13. */
const DQ_OPSET = 13;

/** Per-channel symmetric int8 of `w` [.., channels on `axis`, ..]: the int8 values and one scale per channel. */
export function quantizePerChannel(w: Float32Array, dims: number[], axis: number): { q: Int8Array; scale: Float32Array } {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const max = new Float32Array(channels);
  for (let i = 0; i < w.length; i++) max[channelOf(i)] = Math.max(max[channelOf(i)]!, Math.abs(w[i]!));
  const scale = max.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scale[channelOf(i)]!)));
  return { q, scale };
}

/** The float32 file `bytes` with its Conv and MatMul weights stored as per-channel int8 behind DequantizeLinear. */
export function quantizeWeightsInt8(bytes: Uint8Array, opts: QuantizeWeightsOptions = {}): QuantizedModel {
  const minElements = opts.minElements ?? 1024;
  const form = opts.form ?? 'cast';
  const g = new GraphEdit(readOnnxModel(bytes));
  const done = new Map<string, string>();
  let elements = 0;
  for (const node of [...g.graph.node!]) {
    const rule = WEIGHT_AXIS[node.op_type!];
    const name = rule && node.input?.[rule.input];
    const init = name ? g.initializer(name) : undefined;
    if (!rule || !name || !init || init.data_type !== TensorDataType.FLOAT || init.dims?.length !== rule.rank) continue;
    const dims = init.dims.map(Number);
    if (dims.reduce((a, b) => a * b, 1) < minElements) continue;
    let dequantized = done.get(name);
    if (!dequantized) {
      const { q, scale } = quantizePerChannel(g.floatValues(name)!, dims, rule.axis);
      const qName = g.addInitializer(`${name}.int8`, TensorDataType.INT8, dims, q);
      const before = g.consumers(name)[0];
      if (form === 'cast') {
        // s broadcast along the channel axis: [O, 1, 1, 1] for Conv, [N] for MatMul's [K, N]
        const sDims = dims.map((d, i) => (i === rule.axis ? d : 1)).slice(rule.axis);
        const sName = g.addInitializer(`${name}.scale`, TensorDataType.FLOAT, sDims, scale);
        const [wide] = g.insertNode({ op_type: 'Cast', name: `${name}.cast`, input: [qName], attribute: [{ name: 'to', type: AttributeType.INT, i: TensorDataType.FLOAT }] }, before);
        [dequantized] = g.insertNode({ op_type: 'Mul', name: `${name}.scale`, input: [wide!, sName] }, before);
      } else {
        const sName = g.addInitializer(`${name}.scale`, TensorDataType.FLOAT, [scale.length], scale);
        const zName = g.addInitializer(`${name}.zero_point`, TensorDataType.INT8, [scale.length], new Int8Array(scale.length));
        [dequantized] = g.insertNode({ op_type: 'DequantizeLinear', name: `${name}.dequantize`, input: [qName, sName, zName], attribute: [{ name: 'axis', type: AttributeType.INT, i: rule.axis }] }, before);
      }
      done.set(name, dequantized!);
      elements += q.length;
    }
    g.replaceUses(name, dequantized!);
  }
  if (done.size === 0) throw new WebgenError(`quantizeWeightsInt8: no float32 Conv or MatMul weight of ≥ ${minElements} elements to quantize (a float16 file? quantize the float32 one)`);
  g.prune();
  if (form === 'dequantize-linear') g.requireOpset(DQ_OPSET);
  return { bytes: encodeOnnxModel(g.model), tensors: done.size, elements };
}
