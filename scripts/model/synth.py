"""Stage 1b: synthesise the training corpus and the held-out synthetic test set.

Every English voice of Debian's TTS engines is used:
  * espeak-ng: 8 English accents x voice variants (m1..m8, f1..f5, named variants, klatt...)
  * flite: kal, kal16, awb, rms, slt
  * festival: kal_diphone (festvox-kallpc16k), ked_diphone (festvox-kdlpc16k),
    cmu_us_slt_arctic_hts (festvox-us-slt-hts)
With --voices human (corpus train-h<seed>), the voices that sound most like people instead
(pocketsphinx's real-speech model decodes them at 17-48 % WER, espeak-ng at 78-87 %):
  * RHVoice alan, bdl, clb, slt (rhvoice, rhvoice-english; Debian contrib/non-free), pitch and
    rate drawn per utterance
  * pico en-US, en-GB (libttspico-utils, non-free)
  * festival cmu_us_slt_arctic_hts, flite awb/rms/slt, and a little espeak-ng
and half the utterances get Praat's "Change gender" (package praat): formant ratio 0.85-1.2
and a new median F0 of 80-250 Hz, a new vocal-tract length on the same excitation, so four
RHVoice speakers become many. MBROLA voices (licence) and RHVoice lyubov/evgeniy-eng
(CC BY-NC-ND) are never used.
Speaking rate and pitch are randomised at synthesis time, then each utterance gets a random
augmentation chain (speed perturbation, reverberation, noise at several SNRs, babble,
band-limiting, 8 kHz mu-law telephone round trip, gain). Everything is drawn from a
per-utterance RNG seeded from (--seed, utterance index), so the corpus is re-creatable.

Held out from training: the espeak-ng variants in common.HELDOUT_ESPEAK_VARIANTS and the
'heldout' sentences of texts.jsonl. The test set uses only those.

A dev set (--split dev) holds other held-out sentences, for tuning decoding weights (lm.py).

Output: work-data/corpus/{train,test,dev}/NNNNNN.wav (16 kHz int16 mono) and manifest shards
work-data/corpus/manifest-<split>-w<k>.jsonl (one JSON object per utterance). Resumable:
already-written utterances are skipped.
"""
import argparse
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import wave
from multiprocessing import Process
from pathlib import Path

import numpy as np
from scipy import signal

from common import CORPUS, HELDOUT_ESPEAK_VARIANTS, SAMPLE_RATE, WORK, done_indices, read_jsonl

DEFAULT_SEED = 1234
ESPEAK_ACCENTS = ["en-us", "en", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
                  "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]
FESTIVAL_VOICES = ["kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"]
RHVOICE_VOICES = ["alan", "bdl", "clb", "slt"]
PICO_VOICES = ["en-US", "en-GB"]
ENGINES = ["espeak-ng", "flite", "festival", "rhvoice", "pico"]
# (engine, share) of the --voices human mix; festival here means its HTS voice only
HUMAN_MIX = [("rhvoice", 0.5), ("pico", 0.15), ("festival", 0.1), ("flite", 0.15), ("espeak-ng", 0.1)]
HUMAN_FLITE = ["awb", "rms", "slt"]
PRAAT_CHANGE_GENDER = """form change gender
  sentence inFile
  sentence outFile
  real formantRatio 1.0
  real pitchMedian 0
endform
Read from file: inFile$
Change gender: 75, 600, formantRatio, pitchMedian, 1.0, 1.0
Save as WAV file: outFile$
"""
ESPEAK_SKIP = {"Mr", "Demonic", "announcer", "whisper", "whisperf", "croak", "UniRobot",
               "anikaRobot", "robosoft", "robosoft2", "robosoft3", "robosoft4", "robosoft5",
               "robosoft6", "robosoft7", "robosoft8", "Tweaky"}


def espeak_variants():
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True).stdout
    names = []
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5 and parts[4].startswith("!v/"):
            names.append(parts[4][3:])
    return sorted(set(names) - ESPEAK_SKIP)


def read_wav_bytes(b):
    with wave.open(io.BytesIO(b)) as w:
        sr = w.getframerate()
        n = w.getnframes()
        x = np.frombuffer(w.readframes(n), dtype=np.int16).astype(np.float32) / 32768.0
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels())[:, 0]
    return x, sr


def resample(x, sr_in, sr_out):
    if sr_in == sr_out:
        return x
    from math import gcd

    g = gcd(int(sr_in), int(sr_out))
    return signal.resample_poly(x, sr_out // g, sr_in // g).astype(np.float32)


def write_wav(path, x, sr=SAMPLE_RATE):
    y = np.clip(x, -1.0, 1.0)
    y = (y * 32767.0).astype(np.int16)
    tmp = str(path) + ".tmp"
    with wave.open(tmp, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(y.tobytes())
    os.replace(tmp, path)


# ---------------------------------------------------------------- engines
def synth_espeak(text, voice, rng):
    accent, variant = voice.split("+")
    speed = int(rng.uniform(130, 210))
    pitch = int(rng.uniform(25, 75))
    b = subprocess.run(["espeak-ng", "-v", f"{accent}+{variant}", "-s", str(speed), "-p", str(pitch),
                        "--stdout", text], capture_output=True, check=True).stdout
    x, sr = read_wav_bytes(b)
    return resample(x, sr, SAMPLE_RATE), {"rate_wpm": speed, "pitch": pitch}


def synth_flite(text, voice, rng, tmpdir):
    stretch = round(rng.uniform(0.8, 1.25), 3)
    f0 = int(rng.uniform(85, 210))
    out = os.path.join(tmpdir, "flite.wav")
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", out, "--setf",
                    f"duration_stretch={stretch}", "--setf", f"int_f0_target_mean={f0}"],
                   capture_output=True, check=True)
    x, sr = read_wav_bytes(open(out, "rb").read())
    return resample(x, sr, SAMPLE_RATE), {"duration_stretch": stretch, "f0_mean": f0}


def synth_rhvoice(text, voice, rng, tmpdir):
    rate = int(rng.uniform(75, 135))
    pitch = int(rng.uniform(70, 135))
    out = os.path.join(tmpdir, "rhvoice.wav")
    subprocess.run(["RHVoice-test", "-p", voice, "-r", str(rate), "-t", str(pitch), "-o", out],
                   input=text.encode(), capture_output=True, check=True)
    x, sr = read_wav_bytes(open(out, "rb").read())
    return resample(x, sr, SAMPLE_RATE), {"rate_pct": rate, "pitch_pct": pitch}


def synth_pico(text, voice, rng, tmpdir):
    out = os.path.join(tmpdir, "pico.wav")
    subprocess.run(["pico2wave", "-l", voice, "-w", out, text], capture_output=True, check=True)
    x, sr = read_wav_bytes(open(out, "rb").read())
    # pico has no rate switch: a speed change keeps its draws as varied as the others'
    speed = round(float(rng.uniform(0.85, 1.15)), 3)
    return resample(x, int(sr * speed), SAMPLE_RATE), {"speed_pre": speed}


def change_gender(x, rng, tmpdir):
    """Praat's Change gender: a new vocal-tract length and median F0 on the same excitation."""
    ratio = round(float(rng.uniform(0.85, 1.2)), 3)
    f0 = int(rng.uniform(80, 250))
    script = os.path.join(tmpdir, "change-gender.praat")
    if not os.path.exists(script):
        open(script, "w").write(PRAAT_CHANGE_GENDER)
    src, dst = os.path.join(tmpdir, "cg-in.wav"), os.path.join(tmpdir, "cg-out.wav")
    write_wav(src, x / (np.max(np.abs(x)) + 1e-9) * 0.5)
    subprocess.run(["praat", "--run", script, src, dst, str(ratio), str(f0)], capture_output=True,
                   check=True, timeout=60)
    y, sr = read_wav_bytes(open(dst, "rb").read())
    return resample(y, sr, SAMPLE_RATE), {"formant_ratio": ratio, "f0_median": f0}


def synth_festival_batch(items, tmpdir):
    """items: list of (text, voice, stretch). Returns list of float arrays at 16 kHz (or None)."""
    by_voice = {}
    for i, (text, voice, stretch) in enumerate(items):
        by_voice.setdefault(voice, []).append((i, text, stretch))
    res = [None] * len(items)
    for voice, lst in by_voice.items():
        lines = [f"(voice_{voice})"]
        for i, text, stretch in lst:
            t = text.replace("\\", " ").replace('"', " ")
            lines.append(f"(Parameter.set 'Duration_Stretch {stretch})")
            lines.append(f'(set! u (Utterance Text "{t}"))')
            lines.append("(utt.synth u)")
            lines.append(f'(utt.save.wave u "{tmpdir}/fest{i}.wav" \'riff)')
        scm = os.path.join(tmpdir, "batch.scm")
        open(scm, "w").write("\n".join(lines) + "\n")
        subprocess.run(["festival", "-b", scm], capture_output=True, timeout=600)
        for i, _, _ in lst:
            p = f"{tmpdir}/fest{i}.wav"
            if os.path.exists(p):
                x, sr = read_wav_bytes(open(p, "rb").read())
                res[i] = resample(x, sr, SAMPLE_RATE)
                os.remove(p)
    return res


# ---------------------------------------------------------------- augmentation
def colored_noise(n, kind, rng):
    w = rng.standard_normal(n).astype(np.float32)
    if kind == "white":
        return w
    spec = np.fft.rfft(w)
    f = np.arange(len(spec), dtype=np.float32) + 1.0
    spec = spec / (np.sqrt(f) if kind == "pink" else f)
    y = np.fft.irfft(spec, n).astype(np.float32)
    return y / (np.std(y) + 1e-9)


def synth_rir(rng):
    rt60 = rng.uniform(0.15, 0.8)
    n = int(rt60 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    h = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    pre = int(rng.uniform(0.001, 0.01) * SAMPLE_RATE)
    h = np.concatenate([np.zeros(pre), [1.0], h * rng.uniform(0.05, 0.3)]).astype(np.float32)
    return h / np.sqrt(np.sum(h**2)), rt60


def mulaw_roundtrip(x, mu=255):
    x = np.clip(x, -1, 1)
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    q = np.round((y + 1) / 2 * mu) / mu * 2 - 1
    return (np.sign(q) * ((1 + mu) ** np.abs(q) - 1) / mu).astype(np.float32)


def augment(x, rng, babble_pool, clean_prob=0.2):
    info = {}
    # leading/trailing silence
    lead, trail = int(rng.uniform(0.0, 0.4) * SAMPLE_RATE), int(rng.uniform(0.05, 0.5) * SAMPLE_RATE)
    x = np.concatenate([np.zeros(lead, np.float32), x, np.zeros(trail, np.float32)])
    peak = np.max(np.abs(x)) + 1e-9
    x = x / peak * 0.5
    if rng.random() >= clean_prob:
        if rng.random() < 0.35:
            sp = float(rng.choice([0.85, 0.9, 0.95, 1.05, 1.1, 1.15]))
            x = resample(x, int(SAMPLE_RATE * sp), SAMPLE_RATE) if sp != 1 else x
            info["speed"] = sp
        if rng.random() < 0.3:
            h, rt60 = synth_rir(rng)
            x = signal.fftconvolve(x, h)[: len(x)].astype(np.float32)
            info["reverb_rt60"] = round(rt60, 3)
        if rng.random() < 0.25:
            kind = rng.choice(["lowpass", "bandpass"])
            if kind == "lowpass":
                fc = rng.uniform(2500, 7000)
                sos = signal.butter(6, fc, "low", fs=SAMPLE_RATE, output="sos")
                info["lowpass_hz"] = int(fc)
            else:
                lo, hi = rng.uniform(150, 400), rng.uniform(3000, 4500)
                sos = signal.butter(4, [lo, hi], "band", fs=SAMPLE_RATE, output="sos")
                info["bandpass_hz"] = [int(lo), int(hi)]
            x = signal.sosfilt(sos, x).astype(np.float32)
        if rng.random() < 0.5:
            kind = str(rng.choice(["white", "pink", "brown", "babble"]))
            snr = float(rng.choice([5, 10, 15, 20, 25, 30]))
            if kind == "babble" and len(babble_pool) >= 3:
                nz = np.zeros(len(x), np.float32)
                for _ in range(int(rng.integers(2, 5))):
                    b = babble_pool[int(rng.integers(len(babble_pool)))]
                    b = np.resize(b, len(x))
                    nz += np.roll(b, int(rng.integers(len(x))))
            else:
                kind = "pink" if kind == "babble" else kind
                nz = colored_noise(len(x), kind, rng)
            ps = np.mean(x**2) + 1e-9
            pn = np.mean(nz**2) + 1e-9
            x = x + nz * np.sqrt(ps / (pn * 10 ** (snr / 10)))
            info["noise"] = kind
            info["snr_db"] = snr
        if rng.random() < 0.15:
            y = resample(x, SAMPLE_RATE, 8000)
            sos = signal.butter(4, [300, 3400], "band", fs=8000, output="sos")
            y = signal.sosfilt(sos, y).astype(np.float32)
            y = y / (np.max(np.abs(y)) + 1e-9) * 0.7
            y = mulaw_roundtrip(y)
            x = resample(y, 8000, SAMPLE_RATE)
            info["telephone"] = "8k-mulaw"
    gain_db = float(rng.uniform(-26, 4))
    x = x / (np.max(np.abs(x)) + 1e-9) * 0.5 * 10 ** (gain_db / 20)
    info["gain_db"] = round(gain_db, 1)
    if np.max(np.abs(x)) > 1.0:
        info["clipped"] = True
    return np.clip(x, -1, 1).astype(np.float32), info


# ---------------------------------------------------------------- jobs
def make_jobs(split, n, seed, texts, voices="all"):
    # The dev set draws held-out sentences from the far end of the test set's order, so the
    # two never share a sentence while test + dev <= the number held out (texts.py --heldout).
    rng = random.Random(f"{seed}-{'test' if split == 'dev' else split}")
    variants = espeak_variants()
    if split == "train":
        sents = [t for t in texts if t["split"] == "train"]
        ev = [v for v in variants if v not in HELDOUT_ESPEAK_VARIANTS]
        espeak_voices = [f"{a}+{v}" for a in ESPEAK_ACCENTS for v in ev]
    else:
        sents = [t for t in texts if t["split"] == "heldout"]
        espeak_voices = [f"{a}+{v}" for a in ESPEAK_ACCENTS for v in sorted(HELDOUT_ESPEAK_VARIANTS)]
    rng.shuffle(sents)
    if split == "train":
        # 'extra' (then 'gcide', 'more', 'composed') sentences come after every 'train' one,
        # each split from an rng of its own, so the jobs of a smaller --num (and the audio
        # already synthesised for them) stay the same.
        extra = [t for t in texts if t["split"] == "extra"]
        random.Random(f"{seed}-extra").shuffle(extra)
        late = [t for t in texts if t["split"] == "gcide"]
        random.Random(f"{seed}-gcide").shuffle(late)
        more = [t for t in texts if t["split"] == "more"]
        random.Random(f"{seed}-more").shuffle(more)
        composed = [t for t in texts if t["split"] == "composed"]
        random.Random(f"{seed}-composed").shuffle(composed)
        sents = sents + extra + late + more + composed
    jobs = []
    if split == "dev":
        sents = sents[::-1]
    for i in range(n):
        s = sents[i % len(sents)]
        if split == "train" and voices == "human":
            r, engine = rng.random(), HUMAN_MIX[-1][0]
            for name, share in HUMAN_MIX:
                if r < share:
                    engine = name
                    break
                r -= share
            voice = {"rhvoice": RHVOICE_VOICES, "pico": PICO_VOICES, "festival": ["cmu_us_slt_arctic_hts"],
                     "flite": HUMAN_FLITE, "espeak-ng": espeak_voices}[engine]
            voice = rng.choice(voice)
        elif split == "train":
            r = rng.random()
            if r < 0.62:
                engine, voice = "espeak-ng", rng.choice(espeak_voices)
            elif r < 0.85:
                engine, voice = "flite", rng.choice(FLITE_VOICES)
            else:
                engine, voice = "festival", rng.choice(FESTIVAL_VOICES)
        else:
            engine, voice = "espeak-ng", espeak_voices[i % len(espeak_voices)]
        jobs.append({"idx": i, "text_id": s["id"], "text": s["text"], "norm": s["norm"],
                     "engine": engine, "voice": voice})
    return jobs


def corpus_name(split, seed, voices="all"):
    # Another --seed speaks the same training sentences with other voices, rates and
    # augmentation draws; it gets a folder of its own so both corpora can be trained on.
    if split == "train" and voices == "human":
        return f"train-h{seed}"
    return split if split != "train" or seed == DEFAULT_SEED else f"train-s{seed}"


def worker(k, nworkers, split, jobs, seed, augment_on, voices="all"):
    name = corpus_name(split, seed, voices)
    outdir = CORPUS / name
    outdir.mkdir(parents=True, exist_ok=True)
    shard = CORPUS / f"manifest-{name}-w{k}.jsonl"
    done = done_indices(shard)
    mine = [j for j in jobs if j["idx"] % nworkers == k and j["idx"] not in done]
    babble = []
    tmpdir = tempfile.mkdtemp(prefix=f"earshot-synth-{k}-")
    f = open(shard, "a")
    t0 = time.time()
    pending_fest = []

    def finish(job, x, extra):
        rng = np.random.default_rng([seed, 7 if split == "train" else 11, job["idx"]])
        if len(babble) < 64:
            babble.append(x.copy())
        elif rng.random() < 0.1:
            babble[int(rng.integers(64))] = x.copy()
        if augment_on:
            y, aug = augment(x, rng, babble)
        else:
            pad = np.zeros(int(0.2 * SAMPLE_RATE), np.float32)
            y = np.concatenate([pad, x / (np.max(np.abs(x)) + 1e-9) * 0.5, pad])
            aug = {}
        path = outdir / f"{job['idx']:06d}.wav"
        write_wav(path, y)
        rec = dict(job)
        rec.update({"path": str(path.relative_to(WORK)), "duration": round(len(y) / SAMPLE_RATE, 3),
                    "synth": extra, "augment": aug})
        f.write(json.dumps(rec) + "\n")
        f.flush()

    for n, job in enumerate(mine):
        rng = np.random.default_rng([seed, 3, job["idx"]])
        try:
            if job["engine"] == "espeak-ng":
                x, extra = synth_espeak(job["text"], job["voice"], rng)
                finish(job, x, extra)
            elif job["engine"] in ("flite", "rhvoice", "pico"):
                synth = {"flite": synth_flite, "rhvoice": synth_rhvoice, "pico": synth_pico}[job["engine"]]
                x, extra = synth(job["text"], job["voice"], rng, tmpdir)
                if voices == "human" and rng.random() < 0.5:
                    x, cg = change_gender(x, rng, tmpdir)
                    extra.update(cg)
                finish(job, x, extra)
            else:
                pending_fest.append((job, round(float(rng.uniform(0.8, 1.25)), 3)))
                if len(pending_fest) >= 40:
                    outs = synth_festival_batch([(j["text"], j["voice"], s) for j, s in pending_fest], tmpdir)
                    for (j, s), x in zip(pending_fest, outs):
                        if x is not None and len(x) > 1600:
                            finish(j, x, {"duration_stretch": s})
                    pending_fest = []
        except Exception as e:  # a failing utterance is skipped, not fatal
            print(f"[w{k}] skip {job['idx']}: {e}", file=sys.stderr)
        if n % 500 == 0:
            print(f"[w{k}] {split} {n}/{len(mine)} {time.time() - t0:.0f}s", flush=True)
    if pending_fest:
        outs = synth_festival_batch([(j["text"], j["voice"], s) for j, s in pending_fest], tmpdir)
        for (j, s), x in zip(pending_fest, outs):
            if x is not None and len(x) > 1600:
                finish(j, x, {"duration_stretch": s})
    f.close()
    print(f"[w{k}] {split} done in {time.time() - t0:.0f}s", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED,
                    help="train split only: another seed writes work-data/corpus/train-s<seed>/")
    ap.add_argument("--split", choices=["train", "test", "test-aug", "dev"], default="train",
                    help="dev: held-out sentences not in test, for tuning decoding weights")
    ap.add_argument("--num", type=int, default=40000, help="number of utterances")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--start", type=int, default=0,
                    help="skip the jobs before this index (e.g. speak only sentences added to texts.jsonl)")
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help="only the jobs of these engines (e.g. espeak-ng,flite on a machine without festival)")
    ap.add_argument("--voices", choices=["all", "human"], default="all",
                    help="human: the most human-like voices, with Praat speaker changes (train split only)")
    ap.add_argument("--write-jobs", metavar="FILE",
                    help="write the selected jobs to FILE (gzipped JSON lines) and stop, so that another machine "
                         "can synthesise them with --jobs FILE without texts.jsonl")
    ap.add_argument("--jobs", metavar="FILE", help="synthesise the jobs of a --write-jobs file (its split and seed)")
    args = ap.parse_args()
    if args.jobs:
        with gzip.open(args.jobs, "rt") as f:
            head = json.loads(f.readline())
            jobs = [json.loads(line) for line in f]
        args.split, args.seed = head["split"], head["seed"]
    else:
        texts = read_jsonl(WORK / "texts.jsonl")
        jobs = make_jobs(args.split if args.split in ("train", "dev") else "test", args.num, args.seed, texts,
                         args.voices)
        jobs = [j for j in jobs if j["idx"] >= args.start]
    engines = set(args.engines.split(","))
    jobs = [j for j in jobs if j["engine"] in engines]
    if args.write_jobs:
        with gzip.open(args.write_jobs, "wt") as f:
            f.write(json.dumps({"split": args.split, "seed": args.seed}) + "\n")
            for j in jobs:
                f.write(json.dumps(j) + "\n")
        print(f"{len(jobs)} jobs -> {args.write_jobs}")
        return
    augment_on = args.split not in ("test", "dev")
    procs = [Process(target=worker, args=(k, args.workers, args.split, jobs, args.seed, augment_on, args.voices))
             for k in range(args.workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    name = corpus_name(args.split, args.seed, args.voices)
    rows = []
    for k in range(args.workers):
        shard = CORPUS / f"manifest-{name}-w{k}.jsonl"
        if shard.exists():
            rows += [json.loads(l) for l in open(shard) if l.strip()]
    rows.sort(key=lambda r: r["idx"])
    with open(CORPUS / f"manifest-{name}.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    hours = sum(r["duration"] for r in rows) / 3600
    print(f"{name}: {len(rows)} utterances, {hours:.2f} h -> {CORPUS / f'manifest-{name}.jsonl'}")


if __name__ == "__main__":
    main()
