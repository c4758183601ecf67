import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PAD_TOKEN, UNKNOWN_TOKEN, WordTokenizer, splitWords } from '../sdk/text/tokenizer.js';
import { PromptTooLongError } from '../sdk/errors/prompt-too-long-error.js';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { WebgenSdkError } from '../sdk/errors/webgen-sdk-error.js';
import { validateManifest, MANIFEST_SCHEMA_VERSION } from '../trainer/export/manifest.js';
import { CAPTION_WORDS, createShapesDataset } from '../trainer/data/shapes.js';

const tok = WordTokenizer.fromWords(['red', 'blue', 'circle', 'a', 'large'], { maxLength: 6 });
const id = (w: string) => tok.vocab.indexOf(w);

describe('WordTokenizer', () => {
  it('puts <pad> at 0 and <unk> at 1, then the words sorted and deduplicated', () => {
    expect(tok.vocab).toEqual([PAD_TOKEN, UNKNOWN_TOKEN, 'a', 'blue', 'circle', 'large', 'red']);
    expect(WordTokenizer.fromWords(['Red', 'red', 'blue'], { maxLength: 4 }).vocab).toEqual([PAD_TOKEN, UNKNOWN_TOKEN, 'blue', 'red']);
    expect(tok.vocabSize).toBe(7);
  });

  it('lowercases, splits on everything but letters and digits, pads to maxLength', () => {
    expect(splitWords('A  large RED-circle, please!')).toEqual(['a', 'large', 'red', 'circle', 'please']);
    expect(splitWords('Café 3x')).toEqual(['café', '3x']);
    expect(Array.from(tok.encode('A large RED circle'))).toEqual([id('a'), id('large'), id('red'), id('circle'), 0, 0]);
  });

  it('maps unknown words to <unk> and the empty prompt to all padding (the null condition)', () => {
    expect(Array.from(tok.encode('a green circle'))).toEqual([id('a'), 1, id('circle'), 0, 0, 0]);
    expect(tok.unknownWords('a green circle, maybe')).toEqual(['green', 'maybe']);
    expect(Array.from(tok.encode(''))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(tok.encode(' ,.! '))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(tok.decode(tok.encode('a green circle'))).toBe('a <unk> circle');
  });

  it('an over-long prompt is a PromptTooLongError naming the count and the limit', () => {
    expect(() => tok.encode('a a a a a a')).not.toThrow(); // exactly maxLength
    let err: unknown;
    try {
      tok.encode('a large red circle and a blue');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PromptTooLongError);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err).toBeInstanceOf(WebgenSdkError);
    expect((err as PromptTooLongError).name).toBe('PromptTooLongError');
    expect((err as Error).message).toBe("'prompt' has 7 tokens; the model accepts at most 6 (shorten it)");
    expect(() => tok.encodeBatch(['a', 'a b c d e f g'])).toThrow("'prompts[1]' has 7 tokens; the model accepts at most 6");
  });

  it('a prompt that is not a string is an InvalidInputError', () => {
    expect(() => tok.encode(42 as unknown as string)).toThrow(InvalidInputError);
    expect(() => tok.encode(42 as unknown as string)).toThrow("'prompt' must be a string, got 42");
    expect(() => tok.encodeBatch('a red circle' as unknown as string[])).toThrow("'prompts' must be an array of strings");
  });

  it('encodeBatch lays prompts out row by row, [N, maxLength]', () => {
    const ids = tok.encodeBatch(['red', 'a blue circle']);
    expect(ids.length).toBe(12);
    expect(Array.from(ids.subarray(0, 6))).toEqual(Array.from(tok.encode('red')));
    expect(Array.from(ids.subarray(6))).toEqual(Array.from(tok.encode('a blue circle')));
  });

  it('round-trips through the manifest form, which validateManifest accepts', () => {
    const json = JSON.parse(JSON.stringify(tok.toManifest()));
    const back = WordTokenizer.fromManifest(json);
    expect(back.vocab).toEqual(tok.vocab);
    expect(Array.from(back.encode('a large red circle'))).toEqual(Array.from(tok.encode('a large red circle')));
    const manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      name: 't2i',
      kind: 'diffusion-unet',
      createdAt: '2025-01-31T12:00:00Z',
      files: { unet: { path: 'model.onnx', sha256: 'a'.repeat(64), bytes: 1, inputs: [{ name: 'x', dtype: 'float32', shape: [1] }], outputs: [{ name: 'y', dtype: 'float32', shape: [1] }], weights: 'float32' } },
      image: { width: 32, height: 32, channels: 3, range: [-1, 1] },
      schedule: { kind: 'linear', betaStart: 1e-4, betaEnd: 0.02, trainSteps: 1000, predictionType: 'v' },
      conditioning: { tokenizer: json },
      training: { recipe: 'shapes-t2i', data: 'shapes', steps: 1, wallTimeSeconds: 1, parameters: 1, config: {} },
      metrics: {},
      parity: { maxAbsError: 0, tolerance: 1e-4 },
    };
    expect(() => validateManifest(manifest)).not.toThrow();
  });

  it('fromManifest rejects a bad tokenizer with the field at fault', () => {
    const good = tok.toManifest();
    expect(() => WordTokenizer.fromManifest({ ...good, kind: 'char' })).toThrow("'conditioning.tokenizer.kind' must be \"word\"");
    expect(() => WordTokenizer.fromManifest({ ...good, maxLength: 0 })).toThrow("'conditioning.tokenizer.maxLength' must be a positive integer");
    expect(() => WordTokenizer.fromManifest({ ...good, unknownId: 99 })).toThrow("'conditioning.tokenizer.unknownId' must be an integer in [0, 6]");
    expect(() => WordTokenizer.fromManifest({ ...good, vocab: ['<pad>', 'a', 'a'] })).toThrow('must not repeat a token');
    expect(() => WordTokenizer.fromManifest(null)).toThrow(InvalidInputError);
  });

  it('fromTexts builds the vocabulary of a caption corpus; every shapes caption encodes without <unk>', () => {
    const shapes = createShapesDataset({ size: 200, maxShapes: 2, background: 'mixed' });
    const captions = Array.from({ length: 200 }, (_, i) => shapes.attributesOf(i).caption);
    const fromCaptions = WordTokenizer.fromTexts(captions, { maxLength: 24 });
    const fromList = WordTokenizer.fromWords(CAPTION_WORDS, { maxLength: 24 });
    for (const c of captions) {
      expect(fromList.unknownWords(c)).toEqual([]);
      expect(Array.from(fromList.encode(c))).not.toContain(fromList.unknownId);
    }
    // The corpus' words are a subset of the data set's declared vocabulary.
    for (const w of fromCaptions.vocab) expect(fromList.vocab).toContain(w);
  });

  it('imports only browser-safe modules (no node:, no tfjs), for the SDK', () => {
    const src = (f: string): string => readFileSync(fileURLToPath(new URL(`../sdk/${f}`, import.meta.url)), 'utf8');
    for (const file of ['text/tokenizer.ts', 'text/index.ts', 'errors/prompt-too-long-error.ts']) {
      const imports = [...src(file).matchAll(/from ['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      // Its own folder, the SDK's errors, and the manifest's types (the tokenizer's JSON is the manifest's): all core.
      expect(imports.every((i) => i.startsWith('./') || i.startsWith('../errors/') || i === '../manifest/types.js'), `${file}: ${imports.join(', ')}`).toBe(true);
    }
  });
});
