// bench/unet_peer.py, the PyTorch peer of `npm run bench` (issue 22): the same U-Net layer for layer, so its parameter
// count equals webgen's for every preset; without PyTorch (or Python) the bench gets a reason, not a crash.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runTorchPeer } from '../bench/torch-peer.js';
import { UNet } from '../trainer/models/unet.js';
import { UNET_PRESETS } from '../trainer/models/unet-presets.js';

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe('the PyTorch U-Net peer', () => {
  it.runIf(hasTorch)('has exactly webgen\'s parameter count for every preset, with and without classes', () => {
    for (const config of [{ ...UNET_PRESETS.bench, numClasses: 36 }, UNET_PRESETS.tiny, { ...UNET_PRESETS.small, numClasses: 10 }, { ...UNET_PRESETS.compact, attentionResolutions: [16, 8] }]) {
      const peer = runTorchPeer(config, { countOnly: true });
      expect(peer, JSON.stringify(config)).toMatchObject({ ok: true, parameters: new UNet(config, 0).parameterCount() });
    }
  });

  it('says why when there is no Python to run it', () => {
    const r = runTorchPeer(UNET_PRESETS.tiny, { countOnly: true, python: '/nonexistent/python3' });
    expect(r).toEqual({ ok: false, why: expect.stringMatching(/\/nonexistent\/python3 cannot run \(ENOENT\).*apt-get install python3-torch/) });
  });
});
