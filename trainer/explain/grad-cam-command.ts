/**
 * `webgen explain gradcam --model DIR`: Grad-CAM maps of a shipped classifier judge on its own held-out images (the
 * split its training record names), for the class it predicts: a PNG grid of each image above its overlay, and how
 * much of each map lies on the object (pixels that differ from the image's corner colour) against the object's share
 * of the image (what a map spread evenly would score).
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { massInside } from '../../sdk/explain/grad-cam.js';
import { CLASSIFIER_TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';
import { resizePixels } from '../../sdk/image/resize.js';
import { openClassifierData } from '../classifier/classifier-data.js';
import { parseFlags } from '../cli/config-flags.js';
import { UsageError } from '../errors/usage-error.js';
import { intFlag } from '../eval/flags.js';
import { heatColour } from '../../sdk/explain/heat-overlay.js';
import { writeImageGrid } from '../image/image-grid.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { gradCamTf } from './grad-cam.js';
import { openClassifierNet } from './open-classifier.js';

export const GRAD_CAM_HELP = `webgen explain gradcam --model DIR [options]

Grad-CAM (Selvaraju et al. 2017) of a classifier judge (kind 'classifier': models/mnist-classifier, shapes-classifier,
emoji-judge) on the first images of its held-out split, for the class it predicts: the gradient of that logit with
respect to the last convolution block, averaged over space, weighs the block's channels. Prints the share of each
map's mass on the object beside the object's share of the image.

  --model DIR     the classifier folder
  --count N       held-out images (default 64)
  --out FILE      PNG grid: each row of images above its row of overlays
  --json FILE     write the figures as JSON`;

/** Pixels that differ from the image's top-left pixel by more than 0.1 in any channel ([-1, 1] units). */
function objectMask(image: Float32Array, pixels: number, channels: number): boolean[] {
  return Array.from({ length: pixels }, (_, p) => {
    for (let c = 0; c < channels; c++) if (Math.abs(image[p * channels + c]! - image[c]!) > 0.1) return true;
    return false;
  });
}

export async function gradCamCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { model: { type: 'string' }, count: { type: 'string' }, out: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } }, 'See webgen explain gradcam --help.', { positionals: false });
  if (values.help) {
    console.log(GRAD_CAM_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('webgen explain gradcam needs --model DIR (a classifier folder, e.g. models/mnist-classifier)');
  const count = intFlag('count', values.count ?? '64', 1, 10_000);
  await tf.setBackend('cpu');
  const { net, manifest, onnxPath } = await openClassifierNet(values.model);
  const session = await ort.InferenceSession.create(onnxPath);
  if (!session.outputNames.includes(CLASSIFIER_TENSOR_NAMES.gradCam)) {
    await session.release();
    throw new UsageError(`${values.model}: its model.onnx has no '${CLASSIFIER_TENSOR_NAMES.gradCam}' output (exported before Grad-CAM was part of the graph); re-export it with webgen-train reexport --model ${values.model}`);
  }
  const cfg = (manifest.training?.config ?? {}) as { data?: string; holdOut?: number; seed?: number };
  if (!cfg.data) throw new UsageError(`${values.model}: its manifest names no training data (training.config.data), so there is no held-out split to explain`);
  const split = await openClassifierData(cfg.data, { holdOut: cfg.holdOut ?? 1000 });
  const data = split.heldOut;
  const n = Math.min(count, data.size);
  const { width: S, channels: C } = data;
  const pixels = S * S;
  const images = new Float32Array(n * pixels * C);
  for (let i = 0; i < n; i++) images.set(data.get(i).image, i * pixels * C);
  const x = tf.tensor4d(images, [n, S, S, C]);
  const logits = tf.tidy(() => net.apply(x).logits.argMax(1).dataSync() as Int32Array);
  const cam = gradCamTf(net, x, logits);
  const nchw = tf.tidy(() => x.transpose([0, 3, 1, 2]).dataSync() as Float32Array);
  x.dispose();
  const { height: h, width: w, channels: Ca } = cam.dims;
  // the shipped graph's own map (what the SDK returns in the browser), against tfjs' autograd
  const exported = (await session.run({ [CLASSIFIER_TENSOR_NAMES.images]: new ort.Tensor('float32', nchw, [n, C, S, S]) }))[CLASSIFIER_TENSOR_NAMES.gradCam]!.data as Float32Array;
  await session.release();
  const overlays = new Float32Array(n * pixels * 3);
  const originals = new Float32Array(n * pixels * 3);
  let onObject = 0;
  let area = 0;
  let maxDiff = 0;
  for (let i = 0; i < n; i++) {
    const tfMap = cam.maps.subarray(i * h * w, (i + 1) * h * w);
    exported.subarray(i * h * w, (i + 1) * h * w).forEach((v, p) => (maxDiff = Math.max(maxDiff, Math.abs(v - tfMap[p]!))));
    const up = resizePixels(tfMap, w, h, 1, S, S);
    const max = Math.max(1e-12, ...up);
    const image = images.subarray(i * pixels * C, (i + 1) * pixels * C);
    const mask = objectMask(image, pixels, C);
    onObject += massInside(up, mask) / n;
    area += mask.filter(Boolean).length / pixels / n;
    for (let p = 0; p < pixels; p++) {
      const rgb = C === 1 ? [image[p]!, image[p]!, image[p]!] : [image[p * C]!, image[p * C + 1]!, image[p * C + 2]!];
      const [r, g, b] = heatColour(Math.max(0, up[p]!) / max);
      [r, g, b].forEach((v, c) => {
        originals[(i * pixels + p) * 3 + c] = rgb[c]!;
        overlays[(i * pixels + p) * 3 + c] = 0.5 * rgb[c]! + 0.5 * (2 * v - 1);
      });
    }
  }
  net.dispose();
  const classes = split.classNames;
  console.log(`${manifest.name}: Grad-CAM of the predicted class on ${n} held-out images (${data.name}); maps ${h}x${w} from the last convolution block (${Ca} channels)`);
  console.log(`map mass on the object: ${(100 * onObject).toFixed(1)}% (the object covers ${(100 * area).toFixed(1)}% of the image: an even map would score that)`);
  console.log(`the exported graph's grad_cam output (the SDK's maps) matches tfjs' autograd to ${maxDiff.toExponential(1)} (max |Δ| over the maps)`);
  if (values.out) {
    const cols = Math.min(8, n);
    const rows: Float32Array[] = [];
    for (let r = 0; r < n; r += cols) {
      const k = Math.min(cols, n - r);
      const row = new Float32Array(cols * 2 * pixels * 3).fill(1);
      row.set(originals.subarray(r * pixels * 3, (r + k) * pixels * 3), 0);
      row.set(overlays.subarray(r * pixels * 3, (r + k) * pixels * 3), cols * pixels * 3);
      rows.push(row);
    }
    const all = new Float32Array(rows.length * cols * 2 * pixels * 3);
    rows.forEach((row, i) => all.set(row, i * row.length));
    await writeImageGrid(values.out, all, [rows.length * cols * 2, S, S, 3], { cols, scale: 2 });
    console.log(`wrote ${values.out}`);
  }
  if (values.json) {
    await writeFileAtomic(values.json, `${JSON.stringify({ model: manifest.name, images: n, data: data.name, mapSize: [h, w], massOnObject: onObject, objectArea: area, exportedMaxAbsDiff: maxDiff, predicted: [...logits].map((c) => classes[c] ?? c) }, null, 2)}\n`);
  }
  return 0;
}
