// The classifier API in the browser end to end: the built SDK's createClassifier in Debian's Chromium (Playwright), the
// shipped mnist-classifier in the SDK's worker on onnxruntime-web's WebAssembly backend. Held-out digits go in as RGBA
// pixels; verdicts and Grad-CAM maps come back equal to the Node entry's; bad input arrives as the typed error naming
// its parameter, a wrong model kind from inside the worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageError } from '../scripts/e2e/compare.js';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { createClassifier, type Classifier, type RgbaImage } from '../sdk/node.js';
import { openClassifierData } from '../trainer/classifier/classifier-data.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { join } from 'node:path';

type Err = PageError & { parameter?: string };
interface Verdict {
  classIndex: number;
  label: string;
  probability: number;
  top: { classIndex: number; probability: number }[];
}
interface Result<T> {
  value?: T;
  error?: Err;
}

// Page side, as a string so vitest's transform leaves it alone (tsx's keepNames would break named inner functions).
const PAGE_HELPERS = `
window.clfT = (() => {
  const models = new Map();
  let next = 0;
  const rgba = (x) => ({ width: x.width, height: x.height, data: new Uint8ClampedArray(x.data) });
  const attempt = async (fn) => {
    try {
      return { value: await fn() };
    } catch (e) {
      return { error: h.describeError(e) };
    }
  };
  return {
    load: (model, options) => attempt(async () => {
      const c = await webgen.createClassifier({ model, ...options });
      models.set(++next, c);
      return { id: next, backend: c.backend, labels: c.labels };
    }),
    classify: (id, images, options) => attempt(() => models.get(id).classify(images.map(rgba), options)),
    gradCam: (id, image) => attempt(async () => {
      const m = await models.get(id).gradCam(rgba(image));
      return { ...m, map: Array.from(m.map), isFloat32: m.map instanceof Float32Array };
    }),
    raw: (id, args) => attempt(() => models.get(id).classify(...args)),
    dispose: (id) => models.get(id).dispose(),
  };
})();
`;

const SLOW = 180_000;
let h: Harness;
let node: Classifier;
let id: number;
let digits: { image: RgbaImage; label: number }[];
const plain = (x: RgbaImage) => ({ width: x.width, height: x.height, data: Array.from(x.data) });
const ev = <T>(fn: string, ...args: unknown[]): Promise<T> => h.page.evaluate(([f, a]) => (window as any).clfT[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;

beforeAll(async () => {
  const split = await openClassifierData('mnist', { holdOut: 1000 });
  digits = Array.from({ length: 6 }, (_, i) => {
    const { image, label } = split.heldOut.get(i);
    const data = new Uint8ClampedArray(32 * 32 * 4);
    image.forEach((v, p) => data.set([Math.round(((v + 1) / 2) * 255), Math.round(((v + 1) / 2) * 255), Math.round(((v + 1) / 2) * 255), 255], p * 4));
    return { image: { width: 32, height: 32, data }, label: label! };
  });
  h = await startHarness();
  await h.page.evaluate(PAGE_HELPERS);
  node = await createClassifier({ model: join(REPO_ROOT, 'models', 'mnist-classifier') });
}, 300_000);

afterAll(async () => {
  await node?.dispose();
  await h?.close();
});

describe('createClassifier in the browser (mnist-classifier, WebAssembly)', () => {
  it('loads in the worker and names its classes', async () => {
    const r = await ev<Result<{ id: number; backend: string; labels: string[] }>>('load', '/models/mnist-classifier', { backend: 'wasm', cache: false });
    expect(r.error).toBeUndefined();
    expect(r.value!.backend).toBe('wasm');
    expect(r.value!.labels).toHaveLength(10);
    id = r.value!.id;
  }, SLOW);

  it("classify: the Node entry's verdicts on held-out digits", async () => {
    const r = await ev<Result<Verdict[]>>('classify', id, digits.map((d) => plain(d.image)), { top: 3 });
    expect(r.error).toBeUndefined();
    const want = await node.classify(digits.map((d) => d.image), { top: 3 });
    r.value!.forEach((v, i) => {
      expect(v.classIndex).toBe(want[i]!.classIndex);
      expect(v.top.map((t) => t.classIndex)).toEqual(want[i]!.top.map((t) => t.classIndex));
      expect(v.probability).toBeCloseTo(want[i]!.probability, 4);
    });
    expect(r.value!.filter((v, i) => v.classIndex === digits[i]!.label).length).toBeGreaterThanOrEqual(5);
  }, SLOW);

  it("gradCam: the Node entry's map (Float32Array at 32x32, 0…1) and verdict", async () => {
    for (const d of digits.slice(0, 3)) {
      const r = await ev<Result<Verdict & { width: number; height: number; map: number[]; isFloat32: boolean }>>('gradCam', id, plain(d.image));
      expect(r.error).toBeUndefined();
      const want = await node.gradCam(d.image);
      expect(r.value).toMatchObject({ width: 32, height: 32, isFloat32: true, classIndex: want.classIndex });
      expect(Math.max(...r.value!.map)).toBeCloseTo(1, 5);
      r.value!.map.forEach((v, p) => expect(Math.abs(v - want.map[p]!)).toBeLessThan(1e-3));
    }
  }, SLOW);

  it('bad input is the typed error naming its parameter; a model of another kind is refused inside the worker', async () => {
    const top = await ev<Result<unknown>>('classify', id, [plain(digits[0]!.image)], { top: 11 });
    expect(top.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'top' });
    const none = await ev<Result<unknown>>('raw', id, [[]]);
    expect(none.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'images' });
    const gan = await ev<Result<unknown>>('load', '/models/mnist-dcgan', { backend: 'wasm', cache: false });
    expect(gan.error).toMatchObject({ name: 'InvalidInputError', typed: true, sdkError: true, parameter: 'model' });
    expect(gan.error!.message).toMatch(/is a 'gan-generator': createClassifier loads 'classifier' models only/);
    expect((await ev<Result<Verdict[]>>('classify', id, [plain(digits[0]!.image)])).value).toHaveLength(1);
  }, SLOW);

  it('after dispose every call is a ModelLoadError', async () => {
    await ev('dispose', id);
    const r = await ev<Result<unknown>>('classify', id, [plain(digits[0]!.image)]);
    expect(r.error).toMatchObject({ name: 'ModelLoadError', typed: true });
    expect(r.error!.message).toMatch(/classifier 'mnist-classifier' was disposed/);
  }, SLOW);
});
