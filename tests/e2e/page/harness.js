// Page side of the e2e tests: uses the built SDK exactly as an app would, and returns plain data to Playwright.
import * as webgen from '/sdk/index.js';

const generators = new Map();
let next = 0;

/** A thrown error as plain data, with how it relates to the SDK's classes. */
function describeError(e) {
  const fields = {};
  for (const [k, v] of Object.entries(e)) if (['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return {
    name: e.name,
    message: e.message,
    typed: typeof webgen[e.name] === 'function' && e instanceof webgen[e.name],
    sdkError: e instanceof webgen.WebgenSdkError,
    fields,
  };
}

const plain = (img) => ({
  width: img.width,
  height: img.height,
  data: Array.from(img.data),
  seed: img.seed,
  timings: img.timings,
  ...(img.attentionMaps && { attentionMaps: { ...img.attentionMaps, maps: Array.from(img.attentionMaps.maps) } }),
});

window.webgen = webgen;
window.h = {
  crossOriginIsolated: () => globalThis.crossOriginIsolated,
  capabilities: () => webgen.detectCapabilities(),
  clearCache: () => webgen.clearCache(),

  /** createGenerator; resolves with { id, backend, precision, events } or { error }. */
  async load(model, options = {}) {
    const events = [];
    try {
      const g = await webgen.createGenerator({ model, ...options, onProgress: (e) => events.push(e) });
      const id = ++next;
      generators.set(id, g);
      return { id, backend: g.backend, precision: g.precision, name: g.manifest.name, events };
    } catch (e) {
      return { error: describeError(e), events };
    }
  },

  /**
   * Runs generator `id`'s `method` with `options`; `abortAtStep` aborts after that step. Resolves with
   * { images, steps } or { error, steps }.
   */
  async run(id, method, options = {}, abortAtStep) {
    const g = generators.get(id);
    const steps = [];
    const controller = new AbortController();
    const opts = {
      ...options,
      signal: controller.signal,
      onStep: (s) => {
        steps.push({ step: s.step, total: s.total, timestep: s.timestep, previewBytes: s.preview.data.length });
        if (s.step === abortAtStep) controller.abort();
      },
    };
    if (opts.image && opts.image.data && Array.isArray(opts.image.data)) opts.image = { ...opts.image, data: Uint8ClampedArray.from(opts.image.data) };
    try {
      const out = await g[method](opts);
      const list = Array.isArray(out) ? out : [out];
      return { images: list.map(plain), steps };
    } catch (e) {
      return { error: describeError(e), steps };
    }
  },

  /** Starts several calls at once and reports the order they finished in. */
  async concurrent(id, calls) {
    const g = generators.get(id);
    const order = [];
    await Promise.all(
      calls.map((c, i) =>
        g[c.method](c.options).then(
          () => order.push(i),
          (e) => order.push(`${i}:${e.name}`),
        ),
      ),
    );
    return order;
  },

  /**
   * Samples one image, encodes it with toBlob() (the browser's PNG encoder) and decodes the PNG again:
   * { type, width, height, samePixels } — PNG is lossless, so the pixels must come back unchanged.
   */
  async pngRoundTrip(id, options = {}) {
    const [img] = await generators.get(id).sample({ ...options, batch: 1 });
    const blob = await img.toBlob();
    const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const back = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let samePixels = back.length === img.data.length;
    for (let i = 0; samePixels && i < back.length; i++) samePixels = back[i] === img.data[i];
    return { type: blob.type, width: bitmap.width, height: bitmap.height, samePixels };
  },

  /** img2img from a drawn canvas (the DOM image path). */
  async img2imgFromCanvas(id, options) {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(0, 0, 32, 48);
    ctx.fillStyle = '#0000ff';
    ctx.fillRect(32, 0, 32, 48);
    const g = generators.get(id);
    try {
      return { images: [plain(await g.img2img({ ...options, image: canvas }))] };
    } catch (e) {
      return { error: describeError(e) };
    }
  },

  async dispose(id) {
    await generators.get(id)?.dispose();
    generators.delete(id);
  },

  /** describeError, for the page helpers of other tests (with the InvalidInputError's parameter on top). */
  describeError: (e) => ({ ...describeError(e), parameter: e.parameter }),

  /**
   * An emoji the test names ('img:1f600', 'bitmap:1f600', 'rgba:1f600': /emoji/1f600.png, which the test mounts) read
   * on this thread as an app holds it: an <img>, an ImageBitmap, or raw RGBA pixels. Anything else is passed as it is.
   */
  async readImage(ref) {
    if (typeof ref !== 'string') return ref;
    const [kind, name] = ref.split(':');
    const url = '/emoji/' + name + '.png';
    if (kind === 'img') {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img;
    }
    const bitmap = await createImageBitmap(await (await fetch(url)).blob());
    if (kind === 'bitmap') return bitmap;
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const d = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: d.width, height: d.height, data: d.data };
  },
};
document.getElementById('status').textContent = 'ready';
