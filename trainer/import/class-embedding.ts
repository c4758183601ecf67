/**
 * How many class ids an imported U-Net's class embedding holds, read from its graph: the Gather that indexes a
 * weight initializer [rows, D] by the `class_labels` input (torch.nn.Embedding as torch.onnx.export writes it). An id
 * at or past `rows` fails inside onnxruntime at sampling time, so `webgen import` checks the classes and the null
 * class against it first. Undefined when the graph embeds the labels some other way (then nothing is checked).
 */
import { TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';
import { readOnnxModel } from '../export/onnx-proto.js';

export function classEmbeddingRows(bytes: Uint8Array): number | undefined {
  const graph = readOnnxModel(bytes).graph;
  const gather = graph?.node?.find((n) => n.op_type === 'Gather' && n.input?.[1] === TENSOR_NAMES.classLabels);
  if (!gather) return undefined;
  const table = graph!.initializer?.find((t) => t.name === gather.input![0]);
  const rows = table?.dims?.[0];
  return table?.dims?.length === 2 && typeof rows === 'number' && rows > 0 ? Number(rows) : undefined;
}
