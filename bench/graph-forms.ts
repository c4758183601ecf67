/**
 * Other forms of the exporter's GroupNorm, SiLU and attention subgraphs (issue 22, point 4), as rewrites of a proven
 * float32 ONNX file, for bench/infer-graph.ts to time against the file as exported:
 *   - gn-op21:    Shape → Reshape [B, G, ·] → InstanceNormalization → Reshape → Mul γ → Add β (trainer/nn/group-norm.ts)
 *                 as one opset-21 GroupNormalization(x, γ, β) (opset 18's has per-group scales, so 21);
 *   - gn-reduce:  the InstanceNormalization as ReduceMean / Sub / Mul / ReduceMean / Add ε / Sqrt / Div;
 *   - silu-quickgelu: x · Sigmoid(x) (trainer/nn/silu.ts) as com.microsoft QuickGelu(x, α = 1), which is x · σ(αx);
 *   - attn-mha:   the heads' Reshape / Transpose / MatMul / Mul scale / Softmax / MatMul / Transpose / Reshape
 *                 (trainer/nn/attention.ts) as one com.microsoft MultiHeadAttention(q, k, v).
 */
import { GraphEdit } from '../trainer/export/graph-edit.js';
import type { AttributeJson, NodeJson } from '../trainer/export/onnx-codec.js';
import { AttributeType, TensorDataType } from '../trainer/export/onnx-codec.js';
import { encodeOnnxModel, readOnnxModel } from '../trainer/export/onnx-proto.js';

export type GraphForm = 'gn-op21' | 'gn-reduce' | 'silu-quickgelu' | 'attn-mha';

const attr = (n: NodeJson, name: string): AttributeJson | undefined => n.attribute?.find((a) => a.name === name);
const float = (name: string, f: number): AttributeJson => ({ name, type: AttributeType.FLOAT, f });
const int = (name: string, i: number): AttributeJson => ({ name, type: AttributeType.INT, i });
const ints = (name: string, v: number[]): AttributeJson => ({ name, type: AttributeType.INTS, ints: v });

function only(g: GraphEdit, value: string, op: string): NodeJson | undefined {
  const c = g.consumers(value);
  return c.length === 1 && c[0]!.op_type === op ? c[0] : undefined;
}

/** The GroupNorm subgraphs trainer/nn/group-norm.ts writes, with their parts. */
function groupNorms(g: GraphEdit) {
  const found = [];
  for (const inorm of g.graph.node!.filter((n) => n.op_type === 'InstanceNormalization')) {
    const pre = g.producer(inorm.input![0]!);
    const post = only(g, inorm.output![0]!, 'Reshape');
    const mul = post && only(g, post.output![0]!, 'Mul');
    const add = mul && only(g, mul.output![0]!, 'Add');
    if (pre?.op_type !== 'Reshape' || !post || !mul || !add) continue;
    const groups = g.int64Values(pre.input![1]!)?.[1];
    const gamma = g.floatValues(mul.input![1]!);
    const beta = g.floatValues(add.input![1]!);
    if (!groups || !gamma || !beta) continue;
    found.push({ x: pre.input![0]!, inorm, add, groups, gamma, beta, eps: attr(inorm, 'epsilon')?.f ?? 1e-5 });
  }
  return found;
}

function gnOp21(g: GraphEdit): void {
  for (const gn of groupNorms(g)) {
    const scale = g.addInitializer('gn.scale', TensorDataType.FLOAT, [gn.gamma.length], gn.gamma);
    const bias = g.addInitializer('gn.bias', TensorDataType.FLOAT, [gn.beta.length], gn.beta);
    const [y] = g.insertNode({ op_type: 'GroupNormalization', name: gn.inorm.name!.replace(/InstanceNorm$/, 'GroupNorm'), input: [gn.x, scale, bias], attribute: [float('epsilon', gn.eps), int('num_groups', gn.groups)] }, gn.add);
    g.replaceUses(gn.add.output![0]!, y!);
  }
  g.requireOpset(21);
}

function gnReduce(g: GraphEdit): void {
  for (const { inorm, eps } of groupNorms(g)) {
    const grouped = inorm.input![0]!; // [B, G, C/G·H·W]
    const op = (op_type: string, input: string[], attribute: AttributeJson[] = []) => g.insertNode({ op_type, name: `${inorm.name}/${op_type}`, input, attribute }, inorm)[0]!;
    const mean = op('ReduceMean', [grouped], [ints('axes', [2]), int('keepdims', 1)]);
    const d = op('Sub', [grouped, mean]);
    const variance = op('ReduceMean', [op('Mul', [d, d])], [ints('axes', [2]), int('keepdims', 1)]);
    const epsName = g.addInitializer('gn.eps', TensorDataType.FLOAT, [], Float32Array.of(eps));
    g.replaceUses(inorm.output![0]!, op('Div', [d, op('Sqrt', [op('Add', [variance, epsName])])]));
  }
}

function siluQuickGelu(g: GraphEdit): void {
  for (const s of g.graph.node!.filter((n) => n.op_type === 'Sigmoid')) {
    const x = s.input![0]!;
    const mul = g.consumers(s.output![0]!).find((n) => n.op_type === 'Mul' && n.input!.includes(x));
    if (!mul) continue;
    const [y] = g.insertNode({ op_type: 'QuickGelu', domain: 'com.microsoft', name: s.name!.replace(/Sigmoid/, 'QuickGelu'), input: [x], attribute: [float('alpha', 1)] }, mul);
    g.replaceUses(mul.output![0]!, y!);
  }
  g.requireOpset(1, 'com.microsoft');
}

function attnMha(g: GraphEdit): void {
  for (const sm of g.graph.node!.filter((n) => n.op_type === 'Softmax')) {
    const scaled = g.producer(sm.input![0]!);
    const qk = scaled && g.producer(scaled.input![0]!);
    const av = only(g, sm.output![0]!, 'MatMul');
    const oT = av && only(g, av.output![0]!, 'Transpose');
    const merged = oT && only(g, oT.output![0]!, 'Reshape');
    if (scaled?.op_type !== 'Mul' || qk?.op_type !== 'MatMul' || !av || !merged) continue;
    // each of q, kᵀ, v is Transpose(Reshape(linear, [0, 0, H, dh]))
    const head = (v: string) => g.producer(g.producer(v)!.input![0]!)!;
    const [q, k, v] = [head(qk.input![0]!), head(qk.input![1]!), head(av.input![1]!)];
    const [, , heads] = g.int64Values(q.input![1]!)!;
    const scale = g.floatValues(scaled.input![1]!)![0]!;
    const [y] = g.insertNode({ op_type: 'MultiHeadAttention', domain: 'com.microsoft', name: sm.name!.replace(/Softmax$/, 'MultiHeadAttention'), input: [q.input![0]!, k.input![0]!, v.input![0]!], attribute: [int('num_heads', heads!), float('scale', scale)] }, merged);
    g.replaceUses(merged.output![0]!, y!);
  }
  g.requireOpset(1, 'com.microsoft');
}

const FORMS: Record<GraphForm, (g: GraphEdit) => void> = { 'gn-op21': gnOp21, 'gn-reduce': gnReduce, 'silu-quickgelu': siluQuickGelu, 'attn-mha': attnMha };

/** `bytes` (a float32 file from the exporter) with `forms` applied in order. */
export function withGraphForms(bytes: Uint8Array, forms: GraphForm[]): Uint8Array {
  const g = new GraphEdit(readOnnxModel(bytes));
  for (const f of forms) FORMS[f](g);
  g.prune();
  return encodeOnnxModel(g.model);
}
