/**
 * Attention taps: a copy of an exported ONNX model whose attention probabilities (the output of every Softmax node,
 * [B, heads, queries, keys] as webgen's exporter writes attention) are extra graph outputs beside the model's own.
 * The original file is untouched, so a model pays nothing for the taps until someone asks to look inside it; the
 * tapped copy computes exactly what the original does (the same nodes, more outputs).
 */
import { TensorDataType } from '../export/onnx-codec.js';
import { encodeOnnxModel, readOnnxModel } from '../export/onnx-proto.js';
import { WebgenError } from '../errors/webgen-error.js';

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
    ...taps.filter((t) => !existing.has(t.output)).map((t) => ({ name: t.output, type: { tensor_type: { elem_type: TensorDataType.FLOAT } } })),
  ];
  return { bytes: encodeOnnxModel(model), taps };
}
