// writeFileAtomic is durable: the temporary file is fsync'ed before rename() puts it in place, and the folder after.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Every call that moves bytes to disk, in order, with the path it concerns.
const events: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsp>();
  const open: typeof real.open = async (path, ...rest) => {
    const handle = await real.open(path, ...rest);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      events.push(`sync ${String(path)}`);
      return sync();
    };
    return handle;
  };
  const rename: typeof real.rename = async (from, to) => {
    events.push(`rename ${String(from)} -> ${String(to)}`);
    return real.rename(from, to);
  };
  return { ...real, default: { ...real, open, rename }, open, rename };
});

const { writeFileAtomic } = await import('../trainer/io/atomic-write.js');

describe('writeFileAtomic', () => {
  it('fsyncs the temporary file, then renames it over the target, then fsyncs the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webgen-atomic-'));
    const target = join(dir, 'checkpoint.wgck');
    events.length = 0;
    await writeFileAtomic(target, 'new bytes');
    expect(readFileSync(target, 'utf8')).toBe('new bytes');
    const rename = events.findIndex((e) => e.startsWith('rename '));
    expect(rename, events.join('\n')).toBeGreaterThan(0);
    const tmp = /^rename (\S+) -> /.exec(events[rename]!)![1]!;
    expect(tmp).toMatch(/\.checkpoint\.wgck\.\d+\.\d+\.tmp$/);
    expect(events.slice(0, rename)).toContain(`sync ${tmp}`);
    if (process.platform !== 'win32') expect(events.slice(rename + 1)).toContain(`sync ${dir}`);
    expect(readdirSync(dir)).toEqual(['checkpoint.wgck']);
  });
});
