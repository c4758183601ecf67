/**
 * Static QDQ int8 for the convolutions (onnxruntime's form for its quantised kernels), beside the weight-only int8 of
 * quantize-int8.ts: every Conv gets QuantizeLinear → DequantizeLinear on its input and its output (uint8, asymmetric,
 * per tensor, ranges calibrated on real inputs), its weight per-channel int8 and its bias int32 (scale s_x · s_w)
 * behind DequantizeLinear, so onnxruntime fuses DQ → Conv → Q into QLinearConv (docs/inference-graph.md: −26% / −32%
 * per mnist-ddim step in Chromium wasm, −49% in onnxruntime-node, the same measured quality).
 * Notation: x ≈ s · (q − z), q ∈ [0, 255], s = (max − min) / 255, z = round(−min / s), with min ≤ 0 ≤ max so that 0
 * is exact (zero padding); weights w ≈ s_c · q_c (quantizePerChannel); bias b ≈ (s_x · s_c) · q_b, q_b int32.
 * The calibration feeds are the caller's (qdq-calibration.ts for a diffusion U-Net, bench/qdq.ts for MNIST digits).
 */
import * as ort from 'onnxruntime-node';
import { WebgenError } from '../errors/webgen-error.js';
import { GraphEdit } from './graph-edit.js';
import { AttributeType, TensorDataType, type NodeJson } from './onnx-codec.js';
import { encodeOnnxModel, readOnnxModel } from './onnx-proto.js';
import { quantizePerChannel } from './quantize-int8.js';

/** Feeds of one calibration run, by graph input name. */
export type CalibrationFeeds = Record<string, ort.Tensor>[];

export interface QdqModel {
  bytes: Uint8Array;
  /** How many Conv nodes were quantised. */
  convs: number;
}

/** DequantizeLinear with a per-axis scale (the weights, the biases) is opset 13. */
const QDQ_OPSET = 13;
const UINT8 = 2;

/** min / max of `values` over the feeds (each range widened to hold 0), run on `bytes` with those values as extra outputs. */
export async function activationRanges(bytes: Uint8Array, values: string[], feeds: CalibrationFeeds): Promise<Map<string, [number, number]>> {
  const model = readOnnxModel(bytes);
  model.graph!.output = [...(model.graph!.output ?? []), ...values.map((name) => ({ name, type: { tensor_type: { elem_type: TensorDataType.FLOAT } } }))];
  const s = await ort.InferenceSession.create(encodeOnnxModel(model), { intraOpNumThreads: 2 });
  const out = new Map<string, [number, number]>(values.map((v) => [v, [0, 0]]));
  try {
    for (const f of feeds) {
      const r = await s.run(f, values);
      for (const v of values) {
        let [a, b] = out.get(v)!;
        for (const x of r[v]!.data as Float32Array) (a = Math.min(a, x)), (b = Math.max(b, x));
        out.set(v, [a, b]);
      }
    }
  } finally {
    await s.release();
  }
  return out;
}

/** The float32 file `bytes` with every Conv in static QDQ int8 (see the file's comment), calibrated on `feeds`. */
export async function quantizeConvQdq(bytes: Uint8Array, feeds: CalibrationFeeds): Promise<QdqModel> {
  if (feeds.length === 0) throw new WebgenError('quantizeConvQdq: no calibration feeds');
  const g = new GraphEdit(readOnnxModel(bytes));
  const convs = g.graph.node!.filter((n) => n.op_type === 'Conv' && g.floatValues(n.input![1]!));
  if (convs.length === 0) throw new WebgenError('quantizeConvQdq: no Conv with a float32 weight initializer (a float16 file? quantize the float32 one)');
  const r = await activationRanges(bytes, [...new Set(convs.flatMap((c) => [c.input![0]!, c.output![0]!]))], feeds);
  const params = new Map(
    [...r].map(([v, [lo, hi]]) => {
      const scale = Math.max(hi - lo, 1e-8) / 255;
      return [v, { scale, zero: Math.round(-lo / scale) }];
    }),
  );
  const int = (name: string, i: number) => ({ name, type: AttributeType.INT, i });
  const qdq = new Map<string, string>();
  /** Q → DQ of value `v`, inserted before node `at`; one pair per value. */
  const roundTrip = (v: string, at: NodeJson | undefined): string => {
    const known = qdq.get(v);
    if (known) return known;
    const p = params.get(v)!;
    const s = g.addInitializer(`${v}.q_scale`, TensorDataType.FLOAT, [], Float32Array.of(p.scale));
    const z = g.addInitializer(`${v}.q_zero`, UINT8, [], Uint8Array.of(p.zero));
    const [q] = g.insertNode({ op_type: 'QuantizeLinear', name: `${v}/Quantize`, input: [v, s, z] }, at);
    const [dq] = g.insertNode({ op_type: 'DequantizeLinear', name: `${v}/Dequantize`, input: [q!, s, z] }, at);
    qdq.set(v, dq!);
    return dq!;
  };
  // inputs as exported: a conv reading another conv's output is rewired to that output's DQ below
  const exported = new Map(convs.map((c) => [c, [...c.input!]]));
  for (const conv of convs) {
    const [x, w, b] = exported.get(conv)!;
    const y = conv.output![0]!;
    const dims = g.initializer(w!)!.dims!.map(Number); // [O, I/g, kH, kW]
    const { q, scale } = quantizePerChannel(g.floatValues(w!)!, dims, 0);
    const sx = params.get(x!)!.scale;
    const wq = g.addInitializer(`${w}.int8`, TensorDataType.INT8, dims, q);
    const ws = g.addInitializer(`${w}.scale`, TensorDataType.FLOAT, [scale.length], scale);
    const wz = g.addInitializer(`${w}.zero`, TensorDataType.INT8, [scale.length], new Int8Array(scale.length));
    const [wd] = g.insertNode({ op_type: 'DequantizeLinear', name: `${w}/Dequantize`, input: [wq, ws, wz], attribute: [int('axis', 0)] }, conv);
    const inputs = [roundTrip(x!, conv), wd!];
    if (b) {
      const bias = g.floatValues(b)!;
      const bs = scale.map((s) => s * sx);
      const bq = g.addInitializer(`${b}.int32`, TensorDataType.INT32, [bias.length], Int32Array.from(bias, (v, c) => Math.round(v / bs[c]!)));
      const bz = g.addInitializer(`${b}.zero`, TensorDataType.INT32, [bias.length], new Int32Array(bias.length));
      const bsName = g.addInitializer(`${b}.scale`, TensorDataType.FLOAT, [bs.length], bs);
      inputs.push(g.insertNode({ op_type: 'DequantizeLinear', name: `${b}/Dequantize`, input: [bq, bsName, bz], attribute: [int('axis', 0)] }, conv)[0]!);
    }
    conv.input = inputs;
    // the output's Q → DQ right after the conv; every other reader takes the DQ
    const readers = g.consumers(y);
    const next = g.graph.node![g.graph.node!.indexOf(conv) + 1];
    const yd = roundTrip(y, next);
    for (const n of readers) n.input = n.input!.map((v) => (v === y ? yd : v));
  }
  g.prune();
  g.requireOpset(QDQ_OPSET);
  return { bytes: encodeOnnxModel(g.model), convs: convs.length };
}
