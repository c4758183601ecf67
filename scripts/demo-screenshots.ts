/**
 * README screenshots of the demo, taken from the real pages with the real shipped models:
 *
 *   npm run screenshots              # writes docs/screenshots/demo-<page>.png (small PNGs, 1000 px wide)
 *   npm run screenshots -- --out DIR
 *   npm run screenshots -- --out shots --query 'digits=/fixtures/class-…'   # try the script on other models
 *   npm run screenshots -- --only gan-explorer,digits   # just these (names: text-to-image, img2img, emoji, digits, digits-phone, gan-explorer, fid-lab, latent-space, ask-model)
 *
 * A page whose model (or SDK feature) is not available is skipped and named: a README shows real pictures, never
 * random-weight fixtures. (Every page's screenshot with the test fixtures is a test artifact: tests/.artifacts/demo/.)
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { canvasStats, openDemoPage, startDemo, waitForState, type DemoHarness } from './e2e/demo.js';
import { REPO } from './e2e/model-fixtures.js';

interface Shot {
  name: string;
  route: string;
  viewport: { width: number; height: number };
  /** Drives the page to the picture worth showing. */
  act(h: DemoHarness): Promise<void>;
}

const generate = async (h: DemoHarness) => {
  await h.page.click('button[name=generate]');
  await waitForState(h.page, ['done'], 600_000);
};

const SHOTS: Shot[] = [
  {
    name: 'text-to-image',
    route: 'text',
    viewport: { width: 1000, height: 900 },
    act: async (h) => {
      await h.page.locator('.chips button').first().click();
      await h.page.fill('input[name=seed]', '1');
      await h.page.fill('input[name=batch]', '4');
      await generate(h);
    },
  },
  {
    name: 'img2img',
    route: 'img2img',
    viewport: { width: 1000, height: 900 },
    act: async (h) => {
      await h.page.fill('input[name=seed]', '1');
      await generate(h);
    },
  },
  {
    name: 'emoji',
    route: 'emoji',
    viewport: { width: 1000, height: 900 },
    act: async (h) => {
      await h.page.locator('.chips button[data-kind="new concept"]').first().click();
      await h.page.fill('input[name=seed]', '1');
      await h.page.fill('input[name=batch]', '6');
      await generate(h);
      await h.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=clip-score]')].every((e) => /\d/.test(e.textContent ?? '')), null, { timeout: 120_000 });
    },
  },
  {
    name: 'digits',
    route: 'digits',
    viewport: { width: 1000, height: 760 },
    act: async (h) => {
      await h.page.click('label:has(input[data-choice=digit][value="3"])');
      await h.page.selectOption('select[name=count]', '16');
      await h.page.fill('input[name=seed]', '1');
      await generate(h);
    },
  },
  {
    name: 'digits-phone',
    route: 'digits',
    viewport: { width: 390, height: 844 },
    act: async (h) => {
      await h.page.selectOption('select[name=count]', '8');
      await h.page.fill('input[name=seed]', '2');
      await generate(h);
      await h.page.locator('.image-grid').scrollIntoViewIfNeeded();
    },
  },
  {
    name: 'gan-explorer',
    route: 'gan',
    viewport: { width: 1000, height: 760 },
    act: async (h) => {
      await h.page.fill('input[name=seed]', '1');
      await generate(h);
      await h.page.locator('.image-grid button.tile').nth(0).click();
      await h.page.locator('.image-grid button.tile').nth(5).click();
      await waitForState(h.page, ['done'], 600_000);
    },
  },
  {
    name: 'fid-lab',
    route: 'fid',
    viewport: { width: 1000, height: 760 },
    act: async (h) => {
      await h.page.selectOption('select[name=samples]', '250');
      await generate(h);
    },
  },
  {
    name: 'latent-space',
    route: 'latent',
    viewport: { width: 1000, height: 1150 },
    act: async (h) => {
      for (const form of ['Reconstruct', 'Walk', 'Traverse']) {
        await h.page.click(`form[aria-label="${form}"] button[name=generate]`);
        await waitForState(h.page, ['done'], 600_000);
      }
    },
  },
  {
    name: 'ask-model',
    route: 'ask',
    viewport: { width: 1000, height: 1000 },
    act: async (h) => {
      // The page answers the sample it starts on by itself; a question of the apple is worth the picture.
      await h.page.click('button[name=sample][value="noto-1f34e.png"]');
      await h.page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=ranking]')?.dataset.for === 'sample:noto-1f34e.png', undefined, { timeout: 600_000 });
      await waitForState(h.page, ['done'], 600_000);
    },
  },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 ? args[outIdx + 1]! : join(REPO, 'docs', 'screenshots');
  const qIdx = args.indexOf('--query');
  const query = Object.fromEntries(new URLSearchParams(qIdx >= 0 ? args[qIdx + 1]! : ''));
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? args[onlyIdx + 1]!.split(',') : undefined;
  const unknown = only?.filter((n) => !SHOTS.some((s) => s.name === n)) ?? [];
  if (unknown.length) throw new Error(`--only: no screenshot named ${unknown.join(', ')} (there are ${SHOTS.map((s) => s.name).join(', ')})`);
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const skipped: string[] = [];
  for (const shot of SHOTS.filter((s) => !only || only.includes(s.name))) {
    const h = await startDemo({ context: { viewport: shot.viewport, deviceScaleFactor: 1, isMobile: shot.viewport.width < 600, hasTouch: shot.viewport.width < 600 } });
    try {
      const state = await openDemoPage(h, shot.route, query, 600_000);
      // Ask the model answers its first sample as soon as it is ready.
      if (!['ready', 'running', 'done'].includes(state)) {
        const why = await h.page.evaluate(() => document.querySelector('.notice strong')?.textContent ?? 'not ready');
        skipped.push(`${shot.name}: ${why}`);
        continue;
      }
      await shot.act(h);
      const first = h.page.locator('.image-grid canvas, [data-testid=after]').first();
      if ((await first.count()) > 0) {
        const sel = (await h.page.locator('.image-grid canvas').count()) > 0 ? '.image-grid canvas' : '[data-testid=after]';
        if ((await canvasStats(h.page, sel)).distinct < 3) throw new Error(`${shot.name}: the generated image is blank`);
      }
      // Generating scrolls the page to the result; a desktop shot shows the page from its top, form and result side by side.
      if (shot.viewport.width >= 600) await h.page.evaluate(() => window.scrollTo(0, 0));
      const path = join(out, `demo-${shot.name}.png`);
      await h.page.screenshot({ path, fullPage: false });
      written.push(relative(REPO, path));
    } finally {
      await h.close();
    }
  }
  for (const w of written) console.log(`wrote ${w}`);
  for (const s of skipped) console.log(`skipped ${s}`);
}

main().catch((err) => {
  console.error(`demo screenshots: ${(err as Error).message}`);
  process.exit(1);
});
