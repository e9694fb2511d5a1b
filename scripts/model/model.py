"""Earshot streaming model: in-graph log-mel front end + causal dilated depthwise-separable
conv encoder + CTC head. The same module runs full utterances (training) and fixed chunks
with an explicit flat state (export, sherpa-onnx T-one CTC format).
All sizes below are at 8 kHz.

Streaming contract (one call = one chunk of 2400 samples at 8 kHz):
  state = [ audio overlap (WIN - HOP samples, scaled to [-1, 1]) | cache of block 0 | ... ]
  cache of block i = last (K-1)*dilation_i conv inputs of block i, frame-major [frames, d]
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# sherpa-onnx (T-one CTC type) resamples the input to 8 kHz and feeds 300 ms chunks
# (2400 samples) regardless of the metadata, so the model is an 8 kHz model.
SR = 8000
WIN = 200  # 25 ms
HOP = 80  # 10 ms
NFFT = 256
NMEL = 64
STACK = 3  # subsampling: 3 x 10 ms -> 30 ms output frames (10 per 300 ms chunk)


def vtlp(f, alpha, f_hi=3400.0, nyquist=SR / 2):
    """Vocal tract length perturbation (Jaitly & Hinton, 2013): scale frequencies by alpha up to a
    boundary, then join Nyquist with a straight line so the warped axis still ends there."""
    boundary = f_hi * min(alpha, 1.0) / alpha
    if f <= boundary:
        return f * alpha
    return nyquist - (nyquist - f_hi * min(alpha, 1.0)) / (nyquist - boundary) * (nyquist - f)


def mel_matrix(n_mels=NMEL, n_fft=NFFT, sr=SR, fmin=60.0, fmax=3800.0, warp=1.0):
    """Triangular mel filters over the FFT bins. warp != 1 reads each bin at its VTLP-warped
    frequency: the same speech as a longer (warp < 1) or shorter (> 1) vocal tract would say it."""
    def hz2mel(f):
        return 1127.0 * math.log(1.0 + f / 700.0)

    nb = n_fft // 2 + 1
    mlo, mhi = hz2mel(fmin), hz2mel(fmax)
    centers = [mlo + (mhi - mlo) * i / (n_mels + 1) for i in range(n_mels + 2)]
    freqs = [hz2mel(vtlp(sr * k / n_fft, warp)) for k in range(nb)]
    m = torch.zeros(n_mels, nb)
    for j in range(n_mels):
        l, c, r = centers[j], centers[j + 1], centers[j + 2]
        for k, f in enumerate(freqs):
            if l < f < r:
                m[j, k] = (f - l) / (c - l) if f <= c else (r - f) / (r - c)
    return m


def dft_kernel():
    """conv1d kernel [2*(NFFT/2+1), 1, WIN]: frame DC removal + povey-like (hann^0.85) window + DFT."""
    n = torch.arange(WIN, dtype=torch.float64)
    window = (0.5 - 0.5 * torch.cos(2 * math.pi * n / (WIN - 1))) ** 0.85
    nb = NFFT // 2 + 1
    k = torch.arange(nb, dtype=torch.float64)[:, None]
    ang = 2 * math.pi * k * n[None, :] / NFFT
    re = torch.cos(ang) * window
    im = -torch.sin(ang) * window
    # DC removal: y = x - mean(x) => W' = W (I - 1/N)
    re = re - re.sum(1, keepdim=True) / WIN
    im = im - im.sum(1, keepdim=True) / WIN
    return torch.cat([re, im], 0).float().unsqueeze(1)


class FrontEnd(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("dft", dft_kernel(), persistent=False)
        self.register_buffer("mel", mel_matrix().t().contiguous(), persistent=False)
        self.register_buffer("feat_mean", torch.zeros(NMEL))
        self.register_buffer("feat_istd", torch.ones(NMEL))

    def forward(self, audio, mel=None):
        """audio: [N, L] in [-1, 1], already left-padded with WIN-HOP samples of history;
        mel: optional per-utterance filter banks [N, nb, NMEL] (training-time VTLP).
        returns normalised log-mel [N, (L-WIN)//HOP + 1, NMEL]"""
        spec = F.conv1d(audio.unsqueeze(1), self.dft, stride=HOP)  # [N, 2*nb, T]
        nb = NFFT // 2 + 1
        re, im = spec[:, :nb], spec[:, nb:]
        power = (re * re + im * im).transpose(1, 2)  # [N, T, nb]
        feats = torch.log(torch.matmul(power, self.mel if mel is None else mel) + 1e-6)
        return (feats - self.feat_mean) * self.feat_istd


def as_fp32(x):
    # tracing x.float() would add a Cast node even for fp32 input; export sees fp32 only
    return x if x.dtype == torch.float32 else x.float()


class LayerNorm(nn.LayerNorm):
    """nn.LayerNorm that normalises in fp32: under CPU bf16 autocast (torch 1.13) the stock module
    rejects bf16 inputs with fp32 weights, and the statistics want fp32 anyway. A no-op for fp32
    inputs, so the exported graph is unchanged."""

    def forward(self, x):
        return F.layer_norm(as_fp32(x), self.normalized_shape, self.weight, self.bias, self.eps)


class Block(nn.Module):
    def __init__(self, d, hidden, kernel, dilation, dropout):
        super().__init__()
        self.norm = LayerNorm(d)
        self.dw = nn.Conv1d(d, d, kernel, dilation=dilation, groups=d)
        self.ff1 = nn.Linear(d, hidden)
        self.ff2 = nn.Linear(hidden, d)
        self.drop = nn.Dropout(dropout)
        self.ctx = (kernel - 1) * dilation

    def forward(self, x, cache=None):
        """x: [N, T, d]; cache: [N, ctx, d] (None = zeros, full-utterance mode)"""
        y = self.norm(x)
        if cache is None:
            z = F.pad(y.transpose(1, 2), (self.ctx, 0))
            new_cache = None
        else:
            cat = torch.cat([cache, y], 1)
            new_cache = cat[:, cat.shape[1] - self.ctx:]
            z = cat.transpose(1, 2)
        z = self.dw(z).transpose(1, 2)
        z = self.ff2(self.drop(F.relu(self.ff1(z))))
        return x + self.drop(z), new_cache


class EarshotCtc(nn.Module):
    def __init__(self, vocab_size, d=192, hidden=576, num_blocks=10, kernel=5,
                 dilations=(1, 2, 4, 8, 1, 2, 4, 8, 1, 2), dropout=0.1):
        super().__init__()
        assert len(dilations) == num_blocks
        self.cfg = dict(vocab_size=vocab_size, d=d, hidden=hidden, num_blocks=num_blocks,
                        kernel=kernel, dilations=list(dilations), dropout=dropout)
        self.frontend = FrontEnd()
        self.inp = nn.Linear(NMEL * STACK, d)
        self.inp_norm = LayerNorm(d)
        self.blocks = nn.ModuleList(Block(d, hidden, kernel, dl, dropout) for dl in dilations)
        self.out_norm = LayerNorm(d)
        self.out = nn.Linear(d, vocab_size)
        self.d = d

    # -------- shared encoder on features
    def encode(self, feats, caches=None):
        n, t, _ = feats.shape
        x = feats.reshape(n, t // STACK, NMEL * STACK)
        x = self.inp_norm(self.inp(x))
        new = []
        for i, b in enumerate(self.blocks):
            x, c = b(x, None if caches is None else caches[i])
            new.append(c)
        return F.log_softmax(as_fp32(self.out(self.out_norm(x))), -1), new

    # -------- training / full utterance
    def features(self, audio, mel=None):
        """audio [N, L] (L multiple of HOP*STACK) -> feats [N, L/HOP, NMEL]"""
        audio = F.pad(audio, (WIN - HOP, 0))
        return self.frontend(audio, mel)

    def forward(self, feats):
        return self.encode(feats)[0]

    # -------- streaming
    def state_dim(self):
        return (WIN - HOP) + sum(b.ctx for b in self.blocks) * self.d

    def stream_step(self, samples_i32, state_f16):
        """samples_i32: [N, S, 1] int32 (float audio * 32767), S multiple of HOP*STACK (sherpa: 2400);
        state_f16: [N, state_dim] float16. returns log_probs [N, S/240, V] float32, next_state float16"""
        n = samples_i32.shape[0]
        x = samples_i32.squeeze(2).to(torch.float32) / 32768.0
        st = state_f16.to(torch.float32)
        ov = WIN - HOP
        audio = torch.cat([st[:, :ov], x], 1)
        new_overlap = audio[:, audio.shape[1] - ov:]
        feats = self.frontend(audio)
        caches = []
        off = ov
        for b in self.blocks:
            sz = b.ctx * self.d
            caches.append(st[:, off:off + sz].reshape(n, b.ctx, self.d))
            off += sz
        logp, new = self.encode(feats, caches)
        nxt = torch.cat([new_overlap] + [c.reshape(n, -1) for c in new], 1)
        return logp, nxt.to(torch.float16)


def grow(model, num_blocks=None, hidden=None):
    """Function-preserving growth (a 'net2net'-style widening and deepening) so that a trained
    model keeps its output exactly and gains capacity: new hidden units get fresh input weights
    but zero output weights; new blocks are appended with a zero output projection, so each one
    is the identity until training moves it. Dilations of new blocks continue the 1,2,4,8 cycle."""
    cfg = dict(model.cfg)
    num_blocks = num_blocks or cfg["num_blocks"]
    hidden = hidden or cfg["hidden"]
    assert num_blocks >= cfg["num_blocks"] and hidden >= cfg["hidden"]
    cycle = [1, 2, 4, 8]
    dil = list(cfg["dilations"])
    while len(dil) < num_blocks:
        dil.append(cycle[len(dil) % len(cycle)])
    cfg.update(num_blocks=num_blocks, hidden=hidden, dilations=dil)
    big = EarshotCtc(**cfg)
    old_sd, new_sd = model.state_dict(), big.state_dict()
    for name, t in new_sd.items():
        if name not in old_sd:
            continue
        o = old_sd[name]
        if o.shape == t.shape:
            t.copy_(o)
        elif name.endswith("ff1.weight"):
            t[: o.shape[0]].copy_(o)
        elif name.endswith("ff1.bias"):
            t[: o.shape[0]].copy_(o)
        elif name.endswith("ff2.weight"):
            t.zero_()
            t[:, : o.shape[1]].copy_(o)
        else:
            raise ValueError(f"cannot grow {name}: {tuple(o.shape)} -> {tuple(t.shape)}")
    for i in range(model.cfg["num_blocks"], num_blocks):
        new_sd[f"blocks.{i}.ff2.weight"].zero_()
        new_sd[f"blocks.{i}.ff2.bias"].zero_()
    big.load_state_dict(new_sd)
    return big


class StreamWrapper(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x, state):
        return self.m.stream_step(x, state)
