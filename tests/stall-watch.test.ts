import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = join(import.meta.dirname, 'fixtures', 'stall-watch', 'child.ts');
const run = (mode: string) => spawnSync(process.execPath, ['--import', 'tsx', CHILD, mode], { encoding: 'utf8', timeout: 60_000 });

describe('stall watch: a step that does not come back is reported while it runs', () => {
  it('names the step, the usual cost, kill -9 with the pid and the checkpoint --resume continues from', () => {
    const r = run('cpu');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('done');
    const lines = r.stderr.split('\n').filter((l) => l.includes('has used'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^step 4 has used [\d.]+ CPU-seconds and not returned; the steps before it used 0\.\d CPU-seconds each \(median\)/);
    expect(lines[0]).toMatch(/stop it with kill -9 \d+, then --resume continues from the checkpoint at step 2 \(run\/checkpoint\.wgck\)/);
    // Reported again only when the step doubles its cost: 0.6 s, 1.2 s, 2.4 s at most within 2.5 CPU-seconds.
    expect(lines.length).toBeLessThanOrEqual(3);
  }, 90_000);

  it('a step that blocks without using CPU (a paused or starved process) is not taken for a stall', () => {
    const r = run('sleep');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('done');
    expect(r.stderr).not.toContain('has used');
  }, 90_000);
});
