/** `webgen-train reexport --model DIR`: a shipped model folder brought up to the current exporter (trainer/export/reexport.ts). */
import { reexportModel } from '../export/reexport.js';
import { UsageError } from '../errors/usage-error.js';
import { parseFlags } from './config-flags.js';

export const REEXPORT_HELP = `webgen-train reexport --model DIR [--int8 | --int8-qdq]

Rewrites a model folder with outputs the exporter added after the model shipped, without retraining: a classifier
gets its Grad-CAM output (rebuilt from its own weights, proven against tfjs), a text-conditioned U-Net its
cross-attention outputs (model_output unchanged bit for bit). The manifest keeps its name, training and metrics.

  --model DIR   the model folder (rewritten in place, atomically)
  --int8        instead, add the U-Net's per-channel int8-weights variant model.int8.onnx (files.unet.variants.int8,
                loaded by the SDK with precision: 'int8'), proven against model.onnx within 5e-2
  --int8-qdq    instead, add the U-Net's static QDQ int8 convolutions (uint8 activations calibrated by 8 guided DDIM
                runs of the model itself, int8 weights; onnxruntime runs them as QLinearConv, a quarter to a third faster a
                step) as model.qdq.onnx (files.unet.variants.int8-qdq, precision: 'int8-qdq'), within 0.25 of model.onnx
  --help        this text`;

export async function reexportCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { model: { type: 'string' }, int8: { type: 'boolean' }, 'int8-qdq': { type: 'boolean' }, help: { type: 'boolean' } }, 'See webgen-train reexport --help.', { positionals: false });
  if (values.help) {
    console.log(REEXPORT_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('webgen-train reexport needs --model DIR (e.g. models/mnist-classifier)');
  const r = await reexportModel(values.model, { int8: values.int8 ?? false, int8Qdq: values['int8-qdq'] ?? false });
  for (const [path, outputs] of Object.entries(r.outputs)) console.log(`${values.model}/${path}: outputs ${outputs.join(', ')}`);
  if (values.int8) console.log(`int8 weights: model_output max abs error ${r.maxAbsError.toExponential(2)} vs the float32 file (tolerance 5e-2)`);
  else if (values['int8-qdq']) console.log(`int8 QDQ convolutions: model_output max abs error ${r.maxAbsError.toExponential(2)} vs the float32 file (tolerance 0.25)`);
  else console.log(r.kind === 'classifier' ? `parity max abs error ${r.maxAbsError.toExponential(2)}` : 'model_output unchanged (bit for bit on a random input)');
  return 0;
}
