// The model folder (manifest.json + model.onnx) is served from public/models/mnist-ddim/ (copy it from the
// webgen repository's models/ folder, or point `model` at wherever you host it).
import { createGenerator } from 'webgen';

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const canvas = document.querySelector<HTMLCanvasElement>('#out')!;

try {
  const generator = await createGenerator({ model: '/models/mnist-ddim', onProgress: (e) => e.status === 'progress' && (status.textContent = `downloading ${e.file}: ${e.loaded} / ${e.total} bytes`) });
  const [image] = await generator.sample({ classLabel: 7, steps: 10, seed: 1 });
  canvas.getContext('2d')!.putImageData(image.toImageData(), 0, 0);
  status.textContent = `a 7, drawn on ${generator.backend} in ${Math.round(image.timings.totalMs)} ms`;
  document.body.dataset.done = 'true';
} catch (err) {
  status.textContent = `failed: ${(err as Error).message}`;
  document.body.dataset.done = 'error';
  throw err;
}
