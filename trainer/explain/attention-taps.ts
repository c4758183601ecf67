/**
 * Attention taps: a copy of an exported ONNX model whose attention probabilities (the output of every Softmax node,
 * [B, heads, queries, keys] as webgen's exporter writes attention) are extra graph outputs beside the model's own.
 * The original file is untouched, so a model pays nothing for the taps until someone asks to look inside it; the
 * tapped copy computes exactly what the original does (the same nodes, more outputs).
 */
import { CROSS_ATTENTION_PREFIX } from '../../sdk/manifest/tensor-names.js';
import { TensorDataType } from '../export/onnx-codec.js';
import { encodeOnnxModel, readOnnxModel, tensorValues } from '../export/onnx-proto.js';
import { WebgenError } from '../errors/webgen-error.js';

/** [batch, heads, queries, keys], symbolic (onnx.checker wants every output's shape declared). */
const ATTENTION_SHAPE = { dim: [{ dim_param: 'batch' }, { dim_param: 'heads' }, { dim_param: 'queries' }, { dim_param: 'keys' }] };

/** One tapped attention: its output name in the tapped model, and the layer it belongs to ('image.blocks.0.attn'). */
export interface AttentionTap {
  output: string;
  layer: string;
  /** 'self' or 'cross' (a cross_attn layer of a text-conditioned U-Net: keys are prompt tokens). */
  kind: 'self' | 'cross';
}

/** The tapped model's bytes and its taps, in graph order. `select` keeps some taps (default all). */
export function withAttentionOutputs(onnx: Uint8Array, select: (tap: AttentionTap) => boolean = () => true): { bytes: Uint8Array; taps: AttentionTap[] } {
  const model = readOnnxModel(onnx);
  const graph = model.graph;
  if (!graph) throw new WebgenError('withAttentionOutputs: the ONNX model has no graph');
  const taps: AttentionTap[] = [];
  for (const node of graph.node ?? []) {
    if (node.op_type !== 'Softmax' || !node.output?.[0]) continue;
    const output = node.output[0];
    const layer = (node.name ?? output).replace(/\/Softmax$/, '');
    const tap: AttentionTap = { output, layer, kind: /cross_attn$/.test(layer) ? 'cross' : 'self' };
    if (select(tap)) taps.push(tap);
  }
  if (taps.length === 0) throw new WebgenError('withAttentionOutputs: the model has no attention (no Softmax node) to tap');
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  graph.output = [
    ...(graph.output ?? []),
    ...taps.filter((t) => !existing.has(t.output)).map((t) => ({ name: t.output, type: { tensor_type: { elem_type: TensorDataType.FLOAT, shape: ATTENTION_SHAPE } } })),
  ];
  return { bytes: encodeOnnxModel(model), taps };
}

/**
 * A text-conditioned U-Net with its cross-attention probabilities as extra outputs `cross_attention_<i>` (in graph
 * order; each [batch, heads, queries, tokens]), for the SDK's attentionMaps: onnxruntime computes them anyway (they
 * feed the attention's MatMul), so a caller that fetches only model_output pays nothing. A graph without
 * cross-attention, or one that has the outputs already, comes back as it is.
 */
export function withCrossAttentionOutputs(onnx: Uint8Array): Uint8Array {
  const model = readOnnxModel(onnx);
  const graph = model.graph!;
  const softmaxes = (graph.node ?? []).filter((n) => n.op_type === 'Softmax' && /cross_attn\/Softmax$/.test(n.name ?? ''));
  // none, or already there (a re-export of an exported file): nothing to add
  if (softmaxes.length === 0 || (graph.output ?? []).some((o) => o.name?.startsWith(CROSS_ATTENTION_PREFIX))) return onnx;
  softmaxes.forEach((n, i) => {
    const name = `${CROSS_ATTENTION_PREFIX}${i}`;
    graph.node!.push({ op_type: 'Identity', name: `${name}/Identity`, input: [n.output![0]!], output: [name] });
    // the head count as onnxruntime's shape inference fixes it (the manifest records the same shape)
    const heads = headsOf(graph, n.input![0]!);
    const shape = { dim: [{ dim_param: 'batch' }, heads ? { dim_value: heads } : { dim_param: 'heads' }, { dim_param: 'queries' }, { dim_param: 'keys' }] };
    graph.output!.push({ name, type: { tensor_type: { elem_type: TensorDataType.FLOAT, shape } } });
  });
  return encodeOnnxModel(model);
}

/**
 * The head count of webgen's attention (trainer/nn/attention.ts) from the Softmax's input: Mul(MatMul(q, kᵀ), scale)
 * with q = Transpose(Reshape(x, [0, 0, heads, head_dim])). Undefined for another graph.
 */
function headsOf(graph: NonNullable<ReturnType<typeof readOnnxModel>['graph']>, value: string): number | undefined {
  const producer = (v: string) => (graph.node ?? []).find((n) => n.output?.includes(v));
  const mul = producer(value);
  const matmul = mul?.op_type === 'Mul' ? producer(mul.input![0]!) : undefined;
  const transpose = matmul?.op_type === 'MatMul' ? producer(matmul.input![0]!) : undefined;
  const reshape = transpose?.op_type === 'Transpose' ? producer(transpose.input![0]!) : undefined;
  const shape = reshape?.op_type === 'Reshape' ? (graph.initializer ?? []).find((t) => t.name === reshape.input![1]) : undefined;
  const values = shape ? tensorValues(shape) : undefined;
  const heads = values && values.length === 4 ? Number(values[2]) : undefined;
  return heads && heads > 0 ? heads : undefined;
}
