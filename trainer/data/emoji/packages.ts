/**
 * The emoji image sets on npm, fetched on demand into a cache outside the repository (never a dependency of the SDK
 * or the trainer): `npm pack NAME@VERSION` from the registry, unpacked with tar, moved into place atomically. Only
 * the Noto (Apache-2.0) and Twemoji (CC-BY-4.0) image sets: the Apple and Facebook sets are not licensed for reuse.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataError } from '../../errors/data-error.js';

const run = promisify(execFile);

/** The two image styles, by the folder name their package uses under img/. */
export type EmojiStyle = 'google' | 'twitter';

/** The word a caption uses for each style. */
export const STYLE_WORD: Record<EmojiStyle, string> = { google: 'noto', twitter: 'twemoji' };

/** The pinned packages: a data set is the same bytes on every machine. */
export const EMOJI_PACKAGES = {
  google: { name: 'emoji-datasource-google', version: '16.0.0', licence: 'Noto Emoji images: Apache-2.0 (Google); emoji-datasource: MIT (Cal Henderson)' },
  twitter: { name: 'emoji-datasource-twitter', version: '16.0.0', licence: 'Twemoji images: CC-BY-4.0 (Twitter, Inc. and other contributors); emoji-datasource: MIT (Cal Henderson)' },
  keywords: { name: 'emojilib', version: '4.0.3', licence: 'emojilib keywords: MIT (Mu-An Chiou)' },
} as const;

export type EmojiPackage = keyof typeof EMOJI_PACKAGES;

/** Where the unpacked packages live: $WEBGEN_EMOJI_DIR, else ~/.cache/webgen-data/emoji. */
export function defaultEmojiDir(): string {
  return process.env.WEBGEN_EMOJI_DIR ?? join(homedir(), '.cache', 'webgen-data', 'emoji');
}

/** The unpacked package folder of `pkg` inside `dir` (its files are under `package/`, as npm packs them). */
export function packageDir(dir: string, pkg: EmojiPackage): string {
  const { name, version } = EMOJI_PACKAGES[pkg];
  return join(dir, `${name}-${version}`, 'package');
}

/**
 * Makes sure the three packages are unpacked in `dir`, downloading what is missing. `log` hears one line per
 * download. A registry that cannot be reached is one DataError line naming the package and what to do.
 */
export async function ensureEmojiPackages(dir: string, log: (line: string) => void = () => {}): Promise<void> {
  for (const pkg of Object.keys(EMOJI_PACKAGES) as EmojiPackage[]) {
    if (existsSync(join(packageDir(dir, pkg), 'package.json'))) continue;
    const { name, version } = EMOJI_PACKAGES[pkg];
    const spec = `${name}@${version}`;
    await mkdir(dir, { recursive: true });
    const tmp = await mkdtemp(join(dir, `.${name}-`));
    try {
      log(`downloading ${spec} from the npm registry into ${dir}`);
      try {
        await run('npm', ['pack', spec, '--silent', '--pack-destination', tmp], { maxBuffer: 1 << 20 });
      } catch (err) {
        const why = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').filter(Boolean).at(-1) ?? 'npm pack failed';
        throw new DataError(spec, `cannot download it from the npm registry (${why}); check the network, or unpack the package into ${join(dir, `${name}-${version}`)} (WEBGEN_EMOJI_DIR moves the folder)`);
      }
      const tarball = (await readdir(tmp)).find((f) => f.endsWith('.tgz'));
      if (!tarball) throw new DataError(spec, 'npm pack wrote no .tgz');
      const unpacked = join(tmp, 'out');
      await mkdir(unpacked);
      await run('tar', ['-xzf', join(tmp, tarball), '-C', unpacked], { maxBuffer: 1 << 20 });
      // Atomic: a half-unpacked folder is never mistaken for a complete one (an incomplete one is replaced).
      await rm(join(dir, `${name}-${version}`), { recursive: true, force: true });
      await rename(unpacked, join(dir, `${name}-${version}`));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}
