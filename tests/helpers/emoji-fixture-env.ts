/**
 * Points $WEBGEN_EMOJI_DIR at the real-emoji fixture (tests/fixtures/emoji) for the tests of one file, and puts the
 * previous value back after them (runCli passes the environment on to the trainer). Returns the fixture's folder.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { REPO } from '../../scripts/e2e/model-fixtures.js';

export const EMOJI_FIXTURE = join(REPO, 'tests', 'fixtures', 'emoji');

export function useEmojiFixture(): string {
  const before = process.env.WEBGEN_EMOJI_DIR;
  beforeAll(() => {
    process.env.WEBGEN_EMOJI_DIR = EMOJI_FIXTURE;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.WEBGEN_EMOJI_DIR;
    else process.env.WEBGEN_EMOJI_DIR = before;
  });
  return EMOJI_FIXTURE;
}
