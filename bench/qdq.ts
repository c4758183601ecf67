/**
 * Static QDQ int8 for the convolutions (onnxruntime's form for its quantised kernels), an experiment beside the shipped
 * weight-only int8 (trainer/export/quantize-int8.ts): every Conv gets QuantizeLinear → DequantizeLinear on its input
 * and its output (uint8, asymmetric, per tensor, ranges calibrated on real inputs), its weight per-channel int8 and
 * its bias int32 (scale s_x · s_w) behind DequantizeLinear, so onnxruntime fuses DQ → Conv → Q into QLinearConv.
 * Calibration: the first 16 digits of the MNIST t10k file (the data mnist-ddim trained on) as x₀, noised to x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε at the timesteps of a 10-step
 * DDIM run, each with its own class and the null class (a guided step's batch), min / max of every Conv input and output.
 */
import * as ort from 'onnxruntime-node';
import type { Manifest } from '../sdk/manifest/types.js';
import { Rng } from '../sdk/random/rng.js';
import { makeBetas, scheduleFromBetas } from '../sdk/schedulers/betas.js';
import { findMnist, readIdxFile } from '../trainer/data/mnist-idx.js';
import { GraphEdit } from '../trainer/export/graph-edit.js';
import { AttributeType, TensorDataType } from '../trainer/export/onnx-codec.js';
import { encodeOnnxModel, readOnnxModel } from '../trainer/export/onnx-proto.js';
import { quantizePerChannel } from '../trainer/export/quantize-int8.js';

/** Feeds of the calibration: `images` MNIST test digits × 11 timesteps, batch 2 (its class, the null class). */
export async function calibrationFeeds(manifest: Manifest, images = 16): Promise<Record<string, ort.Tensor>[]> {
  const { images: path, labels } = findMnist();
  const x = await readIdxFile(path);
  const y = await readIdxFile(labels);
  const s = manifest.schedule!;
  const abar = scheduleFromBetas(makeBetas({ numTrainTimesteps: s.trainSteps, betaStart: s.betaStart!, betaEnd: s.betaEnd!, betaSchedule: s.kind as 'linear' })).alphasCumprod;
  const rng = new Rng(3);
  const feeds: Record<string, ort.Tensor>[] = [];
  for (let i = 0; i < images; i++) {
    const x0 = new Float32Array(32 * 32).fill(-1); // 28×28 padded to 32×32, [-1, 1]
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) x0[(r + 2) * 32 + c + 2] = (x.data[i * 784 + r * 28 + c]! / 255) * 2 - 1;
    for (const t of [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999]) {
      const a = abar[t]!;
      const eps = rng.normalArray(2 * 1024);
      const xt = Float32Array.from({ length: 2 * 1024 }, (_, j) => Math.sqrt(a) * x0[j % 1024]! + Math.sqrt(1 - a) * eps[j]!);
      feeds.push({
        sample: new ort.Tensor('float32', xt, [2, 1, 32, 32]),
        timestep: new ort.Tensor('float32', Float32Array.of(t, t), [2]),
        class_labels: new ort.Tensor('int64', BigInt64Array.of(BigInt(y.data[i]!), BigInt(manifest.conditioning?.nullClass ?? 0)), [2]),
      });
    }
  }
  return feeds;
}

/** min / max of `values` over the feeds, run on `bytes` with those values as extra outputs. */
async function ranges(bytes: Uint8Array, values: string[], feeds: Record<string, ort.Tensor>[]): Promise<Map<string, [number, number]>> {
  const model = readOnnxModel(bytes);
  model.graph!.output = [...(model.graph!.output ?? []), ...values.map((name) => ({ name, type: { tensor_type: { elem_type: TensorDataType.FLOAT } } }))];
  const s = await ort.InferenceSession.create(encodeOnnxModel(model), { intraOpNumThreads: 2 });
  const out = new Map<string, [number, number]>(values.map((v) => [v, [0, 0]]));
  for (const f of feeds) {
    const r = await s.run(f, values);
    for (const v of values) {
      const [lo, hi] = out.get(v)!;
      let [a, b] = [lo, hi];
      for (const x of r[v]!.data as Float32Array) (a = Math.min(a, x)), (b = Math.max(b, x));
      out.set(v, [a, b]);
    }
  }
  await s.release();
  return out;
}

/** `bytes` with every Conv in QDQ int8 (see the file's comment). */
export async function quantizeConvQdq(bytes: Uint8Array, feeds: Record<string, ort.Tensor>[]): Promise<Uint8Array> {
  const g = new GraphEdit(readOnnxModel(bytes));
  const convs = g.graph.node!.filter((n) => n.op_type === 'Conv' && g.floatValues(n.input![1]!));
  const r = await ranges(bytes, [...new Set(convs.flatMap((c) => [c.input![0]!, c.output![0]!]))], feeds);
  const params = new Map([...r].map(([v, [lo, hi]]) => {
    const scale = Math.max(hi - lo, 1e-8) / 255; // lo <= 0 <= hi: zero is exact
    return [v, { scale, zero: Math.round(-lo / scale) }];
  }));
  const int = (name: string, i: number) => ({ name, type: AttributeType.INT, i });
  const qdq = new Map<string, string>();
  /** Q → DQ of value `v`, inserted before node `at`; one pair per value. */
  const roundTrip = (v: string, at: NodeJsonLike | undefined): string => {
    const known = qdq.get(v);
    if (known) return known;
    const p = params.get(v)!;
    const s = g.addInitializer(`${v}.q_scale`, TensorDataType.FLOAT, [], Float32Array.of(p.scale));
    const z = g.addInitializer(`${v}.q_zero`, 2 /* UINT8 */, [], Uint8Array.of(p.zero));
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
    const dims = g.initializer(w!)!.dims!.map(Number);
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
      inputs.push(g.insertNode({ op_type: 'DequantizeLinear', name: `${b}/Dequantize`, input: [bq, g.addInitializer(`${b}.scale`, TensorDataType.FLOAT, [bs.length], bs), bz], attribute: [int('axis', 0)] }, conv)[0]!);
    }
    conv.input = inputs;
    // the output's Q → DQ right after the conv; every other reader takes the DQ
    const readers = g.consumers(y);
    const next = g.graph.node![g.graph.node!.indexOf(conv) + 1];
    const yd = roundTrip(y, next);
    for (const n of readers) n.input = n.input!.map((v) => (v === y ? yd : v));
  }
  g.prune();
  return encodeOnnxModel(g.model);
}

type NodeJsonLike = Parameters<GraphEdit['insertNode']>[1];
