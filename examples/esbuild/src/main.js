// Serve this folder with COOP/COEP headers and the model folder at /models/mnist-ddim/.
import { createGenerator } from 'webgen';

const status = document.querySelector('#status');
const canvas = document.querySelector('#out');

try {
  // build.mjs copies node_modules/webgen/dist/ to dist/webgen/: tell the SDK where it is served.
  const generator = await createGenerator({ model: '/models/mnist-ddim', assetsUrl: '/dist/webgen/' });
  const [image] = await generator.sample({ classLabel: 7, steps: 10, seed: 1 });
  canvas.getContext('2d').putImageData(image.toImageData(), 0, 0);
  status.textContent = `a 7, drawn on ${generator.backend} in ${Math.round(image.timings.totalMs)} ms`;
  document.body.dataset.done = 'true';
} catch (err) {
  status.textContent = `failed: ${err.message}`;
  document.body.dataset.done = 'error';
  console.error(err);
}
