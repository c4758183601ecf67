/**
 * `webgen translate` (issue 23): a PNG, or a folder of them, through an exported translator (the smoke recipe's
 * generator exported into a temp folder) by the SDK's Node entry; each output is the SDK's translation of its input,
 * and bad command lines are one line naming the flag, before anything is written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../sdk/node.js';
import { Rng } from '../sdk/random/rng.js';
import { encodePng } from '../trainer/image/encode-png.js';
import { exportTranslatorFixture } from '../scripts/e2e/translator-fixture.js';
import { REPO_ROOT, runWebgen } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-translate-'));
let model: string;
const picture = (w: number, h: number, seed: number) => {
  const rng = new Rng(seed);
  return { width: w, height: h, data: Uint8Array.from({ length: w * h * 4 }, () => rng.int(256)) };
};
const readPng = (path: string) => {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: Uint8Array.from(png.data) };
};

beforeAll(async () => {
  model = await exportTranslatorFixture(join(tmp, 'model'));
  writeFileSync(join(tmp, 'one.png'), encodePng(picture(16, 16, 1).data, 16, 16));
  mkdirSync(join(tmp, 'in'));
  writeFileSync(join(tmp, 'in', 'a.png'), encodePng(picture(16, 16, 2).data, 16, 16));
  writeFileSync(join(tmp, 'in', 'b.png'), encodePng(picture(32, 24, 3).data, 32, 24));
  writeFileSync(join(tmp, 'in', 'notes.txt'), 'not a picture');
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('webgen translate', () => {
  it("writes the SDK's translation of one PNG", async () => {
    const r = await runWebgen(['translate', '--model', model, '--in', join(tmp, 'one.png'), '--out', join(tmp, 'one-out.png')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/translated 1 picture noto → twemoji \(16x16\)/);
    const got = readPng(join(tmp, 'one-out.png'));
    const t = await createTranslator({ model });
    const want = await t.translate({ image: picture(16, 16, 1) });
    await t.dispose();
    expect([got.width, got.height]).toEqual([16, 16]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  }, 60_000);

  it('translates every .png of a folder into another, keeping the names and skipping other files', async () => {
    const r = await runWebgen(['translate', '--model', model, '--in', join(tmp, 'in'), '--out', join(tmp, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/translated 2 pictures noto → twemoji/);
    expect(readdirSync(join(tmp, 'out')).sort()).toEqual(['a.png', 'b.png']);
    expect(readPng(join(tmp, 'out', 'b.png')).width).toBe(16); // 32x24 in, the model's 16x16 out
    expect(Array.from(readPng(join(tmp, 'out', 'a.png')).data)).not.toEqual(Array.from(readPng(join(tmp, 'out', 'b.png')).data));
  }, 60_000);

  it.each([
    [['--in', 'one.png', '--out', 'x.png'], /needs --model DIR/],
    [['--model', 'MODEL', '--out', 'x.png'], /needs --in IMAGE\.png or --in FOLDER/],
    [['--model', 'MODEL', '--in', 'missing.png', '--out', 'x.png'], /--in: '.*missing\.png' does not exist/],
    [['--model', 'MODEL', '--in', 'in/notes.txt', '--out', 'x.png'], /--in: '.*notes\.txt' is not a PNG image/],
    [['--model', 'MODEL', '--in', 'one.png', '--out', 'x.jpg'], /--out must be a \.png file/],
    [['--model', 'MODEL', '--in', 'in', '--out', 'folder.png'], /--out '.*folder\.png' names a file, but --in '.*in' is a folder/],
    [['--model', 'MODEL', '--in', 'one.png', '--out', 'x.png', '--steps', '3'], /Unknown option '--steps'/],
  ])('refuses %j with one line, writing nothing', async (args, message) => {
    const abs = args.map((a) => (a === 'MODEL' ? model : /\.(png|txt|jpg)$|^in$/.test(a) ? join(tmp, a) : a));
    const r = await runWebgen(['translate', ...abs]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(tmp, 'x.png'))).toBe(false);
  });

  it('refuses a model of another kind, naming it', async () => {
    const r = await runWebgen(['translate', '--model', join(REPO_ROOT, 'models', 'mnist-classifier'), '--in', join(tmp, 'one.png'), '--out', join(tmp, 'x.png')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/'model' must be an image-to-image translator \(manifest kind 'translator'\), but 'mnist-classifier' is a 'classifier'/);
  });

  it('--help lists the flags', async () => {
    const r = await runWebgen(['translate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--in PATH +a \.png, or a folder/);
    expect((await runWebgen(['--help'])).stdout).toMatch(/webgen translate --model DIR --in IMAGE\.png --out OUT\.png/);
  });
});
