// The translator API in the browser end to end (issue 23): the built SDK's createTranslator in Debian's Chromium
// (Playwright), the smoke recipe's generator exported into the harness's scratch folder, in the SDK's worker on
// onnxruntime-web's WebAssembly backend. A picture goes in as RGBA pixels; the translation comes back equal to the
// Node entry's; bad input arrives as the typed error naming its parameter, a wrong model kind from inside the worker.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageError } from '../scripts/e2e/compare.js';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { exportTranslatorFixture } from '../scripts/e2e/translator-fixture.js';
import { Rng } from '../sdk/random/rng.js';
import { createTranslator, type RgbaImage, type Translator } from '../sdk/node.js';

type Err = PageError & { parameter?: string };
interface Result<T> {
  value?: T;
  error?: Err;
}
interface Translated {
  width: number;
  height: number;
  data: number[];
  values: number[];
}

// Page side, as a string so vitest's transform leaves it alone (tsx's keepNames would break named inner functions).
const PAGE_HELPERS = `
window.trT = (() => {
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
      const t = await webgen.createTranslator({ model, ...options });
      models.set(++next, t);
      return { id: next, backend: t.backend, source: t.source, target: t.target };
    }),
    translate: (id, image) => attempt(async () => {
      const r = await models.get(id).translate({ image: rgba(image) });
      return { width: r.width, height: r.height, data: Array.from(r.data), values: Array.from(r.values) };
    }),
    raw: (id, options) => attempt(() => models.get(id).translate(options)),
    dispose: (id) => models.get(id).dispose(),
  };
})();
`;

const SLOW = 180_000;
let h: Harness;
let node: Translator;
let id: number;
const rng = new Rng(9);
const image: RgbaImage = { width: 16, height: 16, data: Uint8ClampedArray.from({ length: 16 * 16 * 4 }, () => rng.int(256)) };
const plain = (x: RgbaImage) => ({ width: x.width, height: x.height, data: Array.from(x.data) });
const ev = <T>(fn: string, ...args: unknown[]): Promise<T> => h.page.evaluate(([f, a]) => (window as any).trT[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;

beforeAll(async () => {
  h = await startHarness();
  await exportTranslatorFixture(join(h.scratch, 'translator'));
  await h.page.evaluate(PAGE_HELPERS);
  node = await createTranslator({ model: join(h.scratch, 'translator') });
}, 300_000);

afterAll(async () => {
  await node?.dispose();
  await h?.close();
});

describe('createTranslator in the browser (smoke translator, WebAssembly)', () => {
  it('loads in the worker and names its styles', async () => {
    const r = await ev<Result<{ id: number; backend: string; source: string; target: string }>>('load', '/scratch/translator', { backend: 'wasm', cache: false });
    expect(r.error).toBeUndefined();
    expect(r.value).toMatchObject({ backend: 'wasm', source: 'noto', target: 'twemoji' });
    id = r.value!.id;
  }, SLOW);

  it("translate: the Node entry's translation (values to 1e-4, pixels to 1 level)", async () => {
    const r = await ev<Result<Translated>>('translate', id, plain(image));
    expect(r.error).toBeUndefined();
    const want = await node.translate({ image });
    expect([r.value!.width, r.value!.height]).toEqual([16, 16]);
    r.value!.values.forEach((v, i) => expect(Math.abs(v - want.values![i]!)).toBeLessThan(1e-4));
    r.value!.data.forEach((v, i) => expect(Math.abs(v - want.data[i]!)).toBeLessThanOrEqual(1));
  }, SLOW);

  it('bad input is the typed error naming its parameter; a model of another kind is refused inside the worker', async () => {
    const none = await ev<Result<unknown>>('raw', id, {});
    expect(none.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'image' });
    const extra = await ev<Result<unknown>>('raw', id, { image: plain(image), strength: 0.5 });
    expect(extra.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'strength' });
    const gan = await ev<Result<unknown>>('load', '/models/mnist-dcgan', { backend: 'wasm', cache: false });
    expect(gan.error).toMatchObject({ name: 'InvalidInputError', typed: true, sdkError: true, parameter: 'model' });
    expect(gan.error!.message).toMatch(/is a 'gan-generator': createTranslator loads 'translator' models only/);
    expect((await ev<Result<Translated>>('translate', id, plain(image))).value!.width).toBe(16);
  }, SLOW);

  it('after dispose every call is a ModelLoadError', async () => {
    await ev('dispose', id);
    const r = await ev<Result<unknown>>('translate', id, plain(image));
    expect(r.error).toMatchObject({ name: 'ModelLoadError', typed: true });
    expect(r.error!.message).toMatch(/translator 'fixture-translator' was disposed/);
  }, SLOW);
});
