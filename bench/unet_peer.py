"""The PyTorch peer of `npm run bench` (issue 22): the webgen U-Net (trainer/models/unet.ts) rebuilt layer for layer
in PyTorch, timed on the same batch with the same loss and optimiser, so the bench can report webgen / PyTorch.

Same architecture as webgen's: sinusoidal time embedding (width base) -> Linear(base, 4 base) -> SiLU -> Linear, plus a
class embedding of numClasses + 1 rows; ConvIn 3x3; per level numResBlocks x (ResBlock [+ Attention]) then a stride-2
3x3 conv downsample (not after the last); middle ResBlock, Attention, ResBlock; way up (numResBlocks + 1) x (concat skip,
ResBlock [+ Attention]) then nearest 2x + 3x3 conv; GroupNorm, SiLU, ConvOut. ResBlock: GN, SiLU, conv, + Linear(SiLU(temb)),
GN, SiLU, conv, 1x1 skip when the channels change. Attention: GN, q/k/v without bias, softmax(q k^T / sqrt(d)) v per head,
out projection with bias, residual. The parameter count is printed so the bench can check the match (within 1%).

Usage: python3 bench/unet_peer.py '<UNetConfig JSON>' --batch 32 --threads 2 --reps 3
Prints one JSON line: {"parameters", "stepSeconds", "forwardSecondsPerImage", "threads", "torch"}.
The product never runs this; it needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import math
import time

import torch
from torch import nn
import torch.nn.functional as F


class TimestepEmbedding(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, t):
        half = self.dim // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        args = t[:, None].float() * freqs[None]
        return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class Attention(nn.Module):
    def __init__(self, ch, heads, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.q = nn.Linear(ch, ch, bias=False)
        self.k = nn.Linear(ch, ch, bias=False)
        self.v = nn.Linear(ch, ch, bias=False)
        self.out = nn.Linear(ch, ch)
        self.heads = heads

    def forward(self, x):
        b, c, h, w = x.shape
        t = self.norm(x).reshape(b, c, h * w).transpose(1, 2)  # [B, HW, C]
        d = c // self.heads
        split = lambda y: y.reshape(b, h * w, self.heads, d).transpose(1, 2)  # [B, H, HW, d]
        q, k, v = split(self.q(t)), split(self.k(t)), split(self.v(t))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), dim=-1) @ v
        a = self.out(a.transpose(1, 2).reshape(b, h * w, c))
        return x + a.transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        base, mults, nres, heads, groups = cfg['baseChannels'], cfg['channelMults'], cfg['numResBlocks'], cfg['numHeads'], cfg['groups']
        temb = 4 * base
        self.time_proj = TimestepEmbedding(base)
        self.time_mlp1 = nn.Linear(base, temb)
        self.time_mlp2 = nn.Linear(temb, temb)
        self.class_embedding = nn.Embedding(cfg['numClasses'] + 1, temb) if cfg.get('numClasses') is not None else None
        self.conv_in = nn.Conv2d(cfg['inChannels'], base, 3, padding=1)
        self.down = nn.ModuleList()
        skips = [base]
        ch, res = base, cfg['imageSize']
        for i, m in enumerate(mults):
            attn = res in cfg['attentionResolutions']
            level = nn.ModuleDict({'res': nn.ModuleList(), 'attn': nn.ModuleList()})
            for _ in range(nres):
                level['res'].append(ResBlock(ch, base * m, temb, groups))
                ch = base * m
                if attn:
                    level['attn'].append(Attention(ch, heads, groups))
                skips.append(ch)
            if i < len(mults) - 1:
                level['sample'] = nn.Conv2d(ch, ch, 3, stride=2, padding=1)
                skips.append(ch)
                res //= 2
            self.down.append(level)
        self.mid_res1 = ResBlock(ch, ch, temb, groups)
        self.mid_attn = Attention(ch, heads, groups)
        self.mid_res2 = ResBlock(ch, ch, temb, groups)
        self.up = nn.ModuleList()
        for i in reversed(range(len(mults))):
            attn = res in cfg['attentionResolutions']
            level = nn.ModuleDict({'res': nn.ModuleList(), 'attn': nn.ModuleList()})
            for _ in range(nres + 1):
                level['res'].append(ResBlock(ch + skips.pop(), base * mults[i], temb, groups))
                ch = base * mults[i]
                if attn:
                    level['attn'].append(Attention(ch, heads, groups))
            if i > 0:
                level['sample'] = nn.Conv2d(ch, ch, 3, padding=1)
                res *= 2
            self.up.append(level)
        self.norm_out = nn.GroupNorm(groups, ch)
        self.conv_out = nn.Conv2d(ch, cfg['inChannels'], 3, padding=1)

    def forward(self, x, t, labels):
        temb = self.time_mlp2(F.silu(self.time_mlp1(self.time_proj(t))))
        if self.class_embedding is not None:
            temb = temb + self.class_embedding(labels)
        h = self.conv_in(x)
        skips = [h]
        for level in self.down:
            for j, block in enumerate(level['res']):
                h = block(h, temb)
                if len(level['attn']):
                    h = level['attn'][j](h)
                skips.append(h)
            if 'sample' in level:
                h = level['sample'](h)
                skips.append(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, temb)), temb)
        for level in self.up:
            for j, block in enumerate(level['res']):
                h = block(torch.cat([h, skips.pop()], dim=1), temb)
                if len(level['attn']):
                    h = level['attn'][j](h)
            if 'sample' in level:
                h = level['sample'](F.interpolate(h, scale_factor=2, mode='nearest'))
        return self.conv_out(F.silu(self.norm_out(h)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('config')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--count-only', action='store_true', help='print only {"parameters"} (no timing)')
    a = p.parse_args()
    cfg = json.loads(a.config)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet(cfg)
    if a.count_only:
        print(json.dumps({'parameters': sum(q.numel() for q in model.parameters())}))
        return
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0)
    S, C, B = cfg['imageSize'], cfg['inChannels'], a.batch
    K = cfg.get('numClasses')
    x = torch.randn(B, C, S, S)
    target = torch.randn(B, C, S, S)
    t = torch.randint(0, 1000, (B,)).float()
    labels = torch.randint(0, (K or 0) + 1, (B,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x, t, labels), target)  # the v-prediction loss of a batch, as webgen's step
        loss.backward()
        opt.step()

    def median(fn):
        fn()  # warm-up
        times = []
        for _ in range(a.reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return sorted(times)[len(times) // 2]

    step_s = median(step)
    with torch.no_grad():
        fwd_s = median(lambda: model(x, t, labels))
    print(json.dumps({
        'parameters': sum(q.numel() for q in model.parameters()),
        'stepSeconds': step_s,
        'forwardSecondsPerImage': fwd_s / B,
        'threads': torch.get_num_threads(),
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
