/**
 * `webgen translate`: redraws pictures in another style with an exported translator (manifest kind 'translator'),
 * through the SDK's Node entry (createTranslator), the code apps run.
 *   webgen translate --model models/emoji-pix2pix --in noto.png --out twemoji.png
 *   webgen translate --model models/emoji-pix2pix --in noto/ --out twemoji/     every .png of the folder, same names
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { OutputError } from '../errors/output-error.js';
import { UsageError } from '../errors/usage-error.js';
import { intFlag } from '../eval/flags.js';
import { encodePng } from '../image/encode-png.js';
import { readPngFlag } from '../image/read-png-flag.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { parseFlags } from './config-flags.js';

export const TRANSLATE_HELP = `webgen translate --model DIR --in IMAGE.png --out OUT.png
webgen translate --model DIR --in FOLDER --out FOLDER

Redraws pictures from the model's source style in its target style (a translator: webgen-train translator).
Each picture is resized to the model's size (bilinear; alpha kept) and the translation written at that size.

  --model DIR     an exported translator (manifest kind 'translator')
  --in PATH       a .png, or a folder: every .png in it (not its subfolders), in name order
  --out PATH      a .png for one picture; a folder for a folder (created; same file names)
  --threads N     onnxruntime threads (default: its own)`;

/** The pictures to translate and where each goes. */
function plan(input: string, out: string): { from: string; to: string }[] {
  const inStat = statSync(input, { throwIfNoEntry: false });
  if (!inStat) throw new UsageError(`--in: '${input}' does not exist; give a .png or a folder of them`);
  if (inStat.isDirectory()) {
    const files = readdirSync(input).filter((f) => extname(f).toLowerCase() === '.png').sort();
    if (files.length === 0) throw new UsageError(`--in: the folder '${input}' has no .png files`);
    if (statSync(out, { throwIfNoEntry: false })?.isFile() || extname(out).toLowerCase() === '.png') throw new UsageError(`--out '${out}' names a file, but --in '${input}' is a folder: give a folder for the translations`);
    try {
      mkdirSync(out, { recursive: true });
    } catch (err) {
      throw new OutputError(out, `cannot create the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return files.map((f) => ({ from: join(input, f), to: join(out, f) }));
  }
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) return [{ from: input, to: join(out, basename(input)) }];
  if (extname(out).toLowerCase() !== '.png') throw new UsageError(`--out must be a .png file (or an existing folder) for one picture, got '${out}'`);
  return [{ from: input, to: out }];
}

export async function translateCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    threads: { type: 'string' },
  }, 'See webgen translate --help.', { positionals: false });
  if (values.help) {
    console.log(TRANSLATE_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('webgen translate needs --model DIR (see webgen translate --help)');
  if (!values.in) throw new UsageError('webgen translate needs --in IMAGE.png or --in FOLDER (see webgen translate --help)');
  if (!values.out) throw new UsageError('webgen translate needs --out OUT.png (or a folder when --in is one)');
  const threads = values.threads === undefined ? undefined : intFlag('threads', values.threads, 1, 64);
  const jobs = plan(values.in, values.out);
  // Read every picture first: a bad file is reported before the model loads and before anything is written.
  const pictures = jobs.map((j) => readPngFlag(j.from, '--in', 'translate'));

  const { createTranslator } = await import('../../sdk/node.js');
  const translator = await createTranslator({ model: values.model, ...(threads !== undefined && { threads }) });
  try {
    for (let i = 0; i < jobs.length; i++) {
      const image = await translator.translate({ image: pictures[i]! });
      await writeFileAtomic(jobs[i]!.to, encodePng(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height));
    }
    console.log(`translated ${jobs.length} picture${jobs.length === 1 ? '' : 's'} ${translator.source} → ${translator.target} (${translator.manifest.image.width}x${translator.manifest.image.height}): ${jobs.length === 1 ? jobs[0]!.to : values.out}`);
  } finally {
    await translator.dispose();
  }
  return 0;
}
