// The emoji data (issue 18, part 1) on the small real fixture in tests/fixtures/emoji (make-fixture.mjs, NOTICE):
// the catalogue and its captions, the concept-level split, the data set's pixels, --data emoji, the data command,
// and a registry that cannot be reached.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { emojiCaption, readEmojiCatalogue } from '../trainer/data/emoji/catalogue.js';
import { loadEmojiDataset } from '../trainer/data/emoji/emoji-dataset.js';
import { ensureEmojiPackages } from '../trainer/data/emoji/packages.js';
import { heldOutStyleOf, splitEmoji } from '../trainer/data/emoji/split.js';
import { openDataset } from '../trainer/data/open-dataset.js';
import { dataCommand } from '../trainer/cli/data-command.js';
import { DataError } from '../trainer/errors/data-error.js';
import { UsageError } from '../trainer/errors/usage-error.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';

const FIXTURE = join(REPO, 'tests', 'fixtures', 'emoji');
const scratch = mkdtempSync(join(tmpdir(), 'webgen-emoji-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('emoji catalogue', () => {
  const entries = readEmojiCatalogue(FIXTURE);

  it('lists every image of both styles, skin tones included, with names, keywords and categories', () => {
    expect(entries).toHaveLength(38);
    expect(entries.filter((e) => e.style === 'google')).toHaveLength(19);
    const thumbs = entries.filter((e) => e.shortNames.includes('+1'));
    expect(thumbs).toHaveLength(12); // the base and 5 tones, in 2 styles
    expect(new Set(thumbs.map((e) => e.concept))).toEqual(new Set(['1F44D']));
    expect(thumbs.map((e) => e.skinTone).filter(Boolean).sort()).toEqual(
      ['dark', 'dark', 'light', 'light', 'medium', 'medium', 'medium-dark', 'medium-dark', 'medium-light', 'medium-light'].map((t) => `${t} skin tone`),
    );
    const grin = entries.find((e) => e.concept === '1F600' && e.style === 'twitter')!;
    expect(grin).toMatchObject({ name: 'grinning face', category: 'Smileys & Emotion', subcategory: 'face-smiling', file: join('img', 'twitter', '64', '1f600.png') });
    expect(grin.keywords).toContain('smile');
  });

  it('captions say the name, short names, style, skin tone and keywords', () => {
    const grin = entries.find((e) => e.concept === '1F600' && e.style === 'google')!;
    expect(emojiCaption(grin)).toBe('grinning face, grinning, noto style; face, smile, happy, joy, :D, grin, smiley');
    const dark = entries.find((e) => e.skinTone === 'dark skin tone' && e.style === 'twitter')!;
    expect(emojiCaption(dark)).toMatch(/^thumbs up sign, \+1, thumbsup, twemoji style, dark skin tone; /);
  });
});

describe('emoji split', () => {
  const entries = readEmojiCatalogue(FIXTURE);

  it('holds out whole concepts (every style and tone), and some concepts in one style only; deterministic per seed', () => {
    const parts = splitEmoji(entries, { heldOutConcepts: 0.3, heldOutStyle: 0.3, seed: 1 });
    expect(splitEmoji(entries, { heldOutConcepts: 0.3, heldOutStyle: 0.3, seed: 1 })).toEqual(parts);
    expect(splitEmoji(entries, { heldOutConcepts: 0.3, heldOutStyle: 0.3, seed: 2 })).not.toEqual(parts);
    const byConcept = new Map<string, Set<string>>();
    entries.forEach((e, i) => byConcept.set(e.concept, (byConcept.get(e.concept) ?? new Set()).add(`${e.style}:${parts[i]}`)));
    let whole = 0;
    let oneStyle = 0;
    for (const [concept, seen] of byConcept) {
      const kinds = new Set([...seen].map((s) => s.split(':')[1]));
      if (kinds.has('held-out-concept')) {
        expect(kinds, concept).toEqual(new Set(['held-out-concept'])); // never partly trained
        whole++;
      }
      if (kinds.has('held-out-style')) {
        const held = heldOutStyleOf(concept, 1);
        expect(seen, concept).toEqual(new Set([`${held}:held-out-style`, `${held === 'google' ? 'twitter' : 'google'}:train`]));
        oneStyle++;
      }
    }
    expect(whole).toBeGreaterThan(0);
    expect(oneStyle).toBeGreaterThan(0);
  });
});

describe('emoji data set', () => {
  it('gives 64x64 RGBA in [-1, 1] with alpha kept; RGB composites over white; resizes when asked', () => {
    const rgba = loadEmojiDataset({ dir: FIXTURE, part: 'all' });
    expect([rgba.size, rgba.width, rgba.height, rgba.channels]).toEqual([38, 64, 64, 4]);
    const ex = rgba.get(0);
    expect(ex.image).toHaveLength(64 * 64 * 4);
    expect(Math.min(...ex.image)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...ex.image)).toBeLessThanOrEqual(1);
    expect(ex.image[3]).toBe(-1); // the top-left corner is transparent
    expect(ex.caption).toMatch(/noto style/);
    expect(ex.attributes).toMatchObject({ concept: '1F600', style: 'google' });
    const rgb = loadEmojiDataset({ dir: FIXTURE, part: 'all', channels: 3 });
    expect(Array.from(rgb.get(0).image.subarray(0, 3))).toEqual([1, 1, 1]); // transparent → white
    const small = loadEmojiDataset({ dir: FIXTURE, part: 'all', width: 32 });
    expect(small.get(0).image).toHaveLength(32 * 32 * 4);
    expect(rgba.describe()).toMatchObject({ source: 'emoji', part: 'all', count: 38 });
    expect(loadEmojiDataset({ dir: FIXTURE, part: 'held-out-concept', heldOutConcepts: 0.3, seed: 1 }).size).toBeGreaterThan(0);
  });

  it('--data emoji reads the cache folder ($WEBGEN_EMOJI_DIR) without downloading; a bad part is a UsageError', async () => {
    vi.stubEnv('WEBGEN_EMOJI_DIR', FIXTURE);
    try {
      const ds = await openDataset('emoji:all');
      expect([ds.name, ds.size, ds.channels]).toEqual(['emoji', 38, 4]);
      expect((await openDataset('emoji')).size).toBe(38); // the training part: the fixture is too small to hold out at 5%
      await expect(openDataset('emoji:test')).rejects.toThrow(UsageError);
      await expect(openDataset('emoji:test')).rejects.toThrow(/the emoji part must be one of train, held-out-concept, held-out-style, held-out, all/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a missing image is a DataError naming the file and the fix', () => {
    expect(() => loadEmojiDataset({ dir: scratch })).toThrow(DataError);
    expect(() => loadEmojiDataset({ dir: scratch })).toThrow(/emoji\.json: cannot read it \(ENOENT\); run 'webgen-train data emoji'/);
  });
});

describe('fetching the packages', () => {
  it('an unreachable registry is one DataError line naming the package and what to do, leaving no partial folder', async () => {
    vi.stubEnv('npm_config_registry', 'http://127.0.0.1:9/');
    vi.stubEnv('npm_config_fetch_retries', '0');
    vi.stubEnv('npm_config_fetch_timeout', '3000');
    vi.stubEnv('npm_config_offline', 'false');
    vi.stubEnv('npm_config_cache', join(scratch, 'npm-cache')); // a cold cache: nothing to fall back on
    try {
      const dir = join(scratch, 'emoji');
      const err = await ensureEmojiPackages(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      const message = (err as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toMatch(/^emoji-datasource-google@16\.0\.0: cannot download it from the npm registry \(.+\); check the network, or unpack the package into .*emoji-datasource-google-16\.0\.0 \(WEBGEN_EMOJI_DIR moves the folder\)$/);
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(dir)).toEqual([]); // the temporary folder is gone
    } finally {
      vi.unstubAllEnvs();
    }
  }, 60_000);
});

describe('webgen-train data emoji', () => {
  it('prints what the data set holds and the licences; a wrong name is a UsageError', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      expect(await dataCommand(['emoji', '--dir', FIXTURE])).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(lines[0]).toBe(`emoji in ${FIXTURE}: 38 images (19 noto, 19 twemoji) of 14 concepts, 11 subcategories`);
    expect(lines.filter((l) => l.startsWith('licence: '))).toHaveLength(3);
    await expect(dataCommand(['emojis'])).rejects.toThrow(/data takes one data set name, 'emoji', got 'emojis'/);
  });
});
