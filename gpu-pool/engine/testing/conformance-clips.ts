/**
 * What the *-vs-sherpa conformance tests share: the clips every model format is compared on, and
 * the exact token-for-token check, so a fixture format's test holds only what is its own.
 */
import { expect } from 'vitest';
import type { DecodedToken } from '../decoders/chunk-result.ts';
import { readAudioFile, testdataFiles, toFloat } from './audio-files.ts';
import type { NamedClip } from './decode-clips.ts';
import { createSherpaRecognizer, sherpaDecode, type SherpaModelConfig } from './sherpa-reference.ts';
import { editDistance } from './edit-distance.ts';
import { synthesizeSpeechLike } from './synthetic-speech.ts';
import { committedSpeechFiles, haveRealRecordings } from './test-data.ts';

/**
 * Every other real recording (both sample rates stay covered and the suite stays fast on 2 cores),
 * or without them the committed synthetic sentences (8, 16, 22.05 kHz), plus synthetic audio at 16
 * and 48 kHz. `what` names the test in the line saying real recordings were skipped.
 */
export async function conformanceClips(what: string): Promise<NamedClip[]> {
  const real = haveRealRecordings(`real recordings in ${what} (its committed synthetic speech still runs)`);
  const files = (real ? testdataFiles().map((f) => f.path) : committedSpeechFiles()).filter((_, i) => i % 2 === 0);
  const clips: NamedClip[] = [];
  for (const path of files) clips.push({ name: path.split('/').slice(-2).join('/'), audio: await readAudioFile(path) });
  clips.push({ name: 'synthetic-16000', audio: synthesizeSpeechLike(16000, 3, 5) }, { name: 'synthetic-48000', audio: synthesizeSpeechLike(48000, 3, 6) });
  return clips;
}

/**
 * Compares each clip's tokens (ids as text, and frames) with sherpa-onnx-node's for the same audio
 * with `tailSeconds` of silence added; returns how many sherpa tokens were compared. Exact, except
 * that `nearTiesPer1000` allows that many edits per 1,000 tokens, for an int8 model whose
 * activations are rounded at run time: a last-bit difference between the two onnxruntime builds
 * can then move a near-tied token by a frame or swap it.
 */
export function expectTokensLikeSherpa(clips: NamedClip[], tokens: DecodedToken[][], symbols: string[], sherpaModel: SherpaModelConfig, tailSeconds: number, nearTiesPer1000 = 0): number {
  const reference = createSherpaRecognizer(sherpaModel);
  const sym = (id: number) => symbols[id].replace(/▁/g, ' ');
  let compared = 0;
  let distance = 0;
  const mismatches: string[] = [];
  clips.forEach((c, i) => {
    const ref = sherpaDecode(reference, sherpaModel, toFloat(c.audio.samples), c.audio.sampleRate, tailSeconds);
    // sherpa-onnx decodes a chunk only once the next frame is there: compare what it decoded.
    const ours = tokens[i].filter((t) => t.frame < ref.decodedFrames);
    const a = ours.map((t) => `${sym(t.id)}@${t.frame}`);
    const b = ref.tokens.map((t, k) => `${t}@${ref.frames[k]}`);
    if (nearTiesPer1000 === 0) expect(a, c.name).toEqual(b);
    const d = editDistance(a, b);
    if (d > 0) mismatches.push(`${c.name}: ${d}`);
    distance += d;
    compared += ref.tokens.length;
  });
  expect(distance, mismatches.join('; ')).toBeLessThanOrEqual(Math.floor((compared * nearTiesPer1000) / 1000));
  return compared;
}
