/**
 * Writes demo/samples/emoji-names.json: the distinct names of the base emoji (lower-case, sorted), the candidate
 * labels of the demo's Ask the model page. Read from emoji-datasource's emoji.json through the trainer's catalogue
 * (the packages are fetched from npm into the data cache on first use, as `webgen-train data emoji` does).
 *
 *   node --import tsx scripts/emoji-names.ts            # writes demo/samples/emoji-names.json
 *   node --import tsx scripts/emoji-names.ts --out FILE
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readEmojiCatalogue } from '../trainer/data/emoji/catalogue.js';
import { defaultEmojiDir, ensureEmojiPackages } from '../trainer/data/emoji/packages.js';
import { REPO } from './e2e/model-fixtures.js';

const at = process.argv.indexOf('--out');
const out = at > 0 ? process.argv[at + 1]! : join(REPO, 'demo', 'samples', 'emoji-names.json');
const dir = defaultEmojiDir();
await ensureEmojiPackages(dir, (line) => console.log(line));
// The catalogue has one entry per image (style, skin tone); the name is the base emoji's, already lower-case.
const names = [...new Set(readEmojiCatalogue(dir).map((e) => e.name))].sort();
// One name a line: a diff of a package update reads name by name.
const text = `[\n${names.map((n) => `  ${JSON.stringify(n)}`).join(',\n')}\n]\n`;
writeFileSync(out, text);
console.log(`${relative(process.cwd(), out)}: ${names.length} names, ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`);
