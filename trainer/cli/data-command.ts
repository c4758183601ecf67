/**
 * `webgen-train data emoji`: fetches the emoji packages into their cache (once) and prints what the data set holds:
 * images per style, concepts, the split, a few captions, and the licences. Training with `--data emoji` fetches them
 * too; this command does it ahead, and says clearly when the registry cannot be reached.
 */
import { emojiCaption, readEmojiCatalogue } from '../data/emoji/catalogue.js';
import { defaultEmojiDir, EMOJI_PACKAGES, ensureEmojiPackages } from '../data/emoji/packages.js';
import { splitEmoji } from '../data/emoji/split.js';
import { UsageError } from '../errors/usage-error.js';
import { parseFlags } from './config-flags.js';

export const DATA_HELP = `webgen-train data emoji [--dir DIR]

Fetches the emoji image sets from the npm registry into a cache outside the repository and prints
what they hold: ${Object.values(EMOJI_PACKAGES).map((p) => `${p.name}@${p.version}`).join(', ')}.
Only the Noto (Apache-2.0) and Twemoji (CC-BY-4.0) images; never the Apple or Facebook sets.

  --dir DIR   where the unpacked packages live (default $WEBGEN_EMOJI_DIR, else ~/.cache/webgen-data/emoji)

Train on them with --data emoji (the training part), emoji:held-out-concept, emoji:held-out-style or emoji:all.`;

export async function dataCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { help: { type: 'boolean' }, dir: { type: 'string' } }, 'See webgen-train data --help.');
  if (values.help) {
    console.log(DATA_HELP);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'emoji') throw new UsageError(`data takes one data set name, 'emoji', got ${positionals.length ? positionals.map((p) => `'${p}'`).join(' ') : 'none'} (see webgen-train data --help)`);
  const dir = values.dir ?? defaultEmojiDir();
  await ensureEmojiPackages(dir, (line) => console.log(line));
  const entries = readEmojiCatalogue(dir);
  const parts = splitEmoji(entries);
  const count = (f: (i: number) => boolean) => entries.filter((_, i) => f(i)).length;
  const concepts = new Set(entries.map((e) => e.concept));
  console.log(`emoji in ${dir}: ${entries.length} images (${count((i) => entries[i]!.style === 'google')} noto, ${count((i) => entries[i]!.style === 'twitter')} twemoji) of ${concepts.size} concepts, ${new Set(entries.map((e) => e.subcategory)).size} subcategories`);
  console.log(`split (seed 0): train ${count((i) => parts[i] === 'train')}, held-out concepts ${count((i) => parts[i] === 'held-out-concept')} images (${new Set(entries.filter((_, i) => parts[i] === 'held-out-concept').map((e) => e.concept)).size} concepts), held out in one style ${count((i) => parts[i] === 'held-out-style')}`);
  for (const e of entries.slice(0, 3)) console.log(`  caption: ${emojiCaption(e)}`);
  for (const p of Object.values(EMOJI_PACKAGES)) console.log(`licence: ${p.licence}`);
  return 0;
}
