/**
 * End-of-turn confidence: a transparent heuristic standing in for a semantic EOT model.
 *
 *   confidence = 0.45 · (acoustic silence) + 0.30 · (silence length) + 0.25 · (lexical ending)
 *
 * - acoustic silence: (1 − mean VAD speech probability over the trailing silence) ×
 *   (mean blank posterior of the ASR frames in that silence): both detectors must agree that
 *   nothing is being said.
 * - silence length: trailing silence / max_turn_silence, capped at 1 — the longer the pause,
 *   the likelier the speaker is done.
 * - lexical ending: the last word's confidence; 1 after terminal punctuation (. ? !); scaled
 *   by 0.3 when the turn ends on a word that usually continues a sentence (and, the, to, um...)
 *   or the last word is still open (the decoder may be mid-word).
 *
 * With the default threshold 0.4 a clean pause after a confident word ends the turn at
 * min_turn_silence; threshold 1 can never be exceeded, so only max_turn_silence ends turns.
 */
const CONTINUATION_WORDS = new Set([
  'AND', 'BUT', 'OR', 'SO', 'THE', 'A', 'AN', 'TO', 'OF', 'IN', 'ON', 'AT', 'FOR', 'WITH', 'BECAUSE',
  'UM', 'UH', 'ER', 'IF', 'THAT', 'MY', 'YOUR', 'IS', 'ARE', 'WAS', 'I', 'WE',
]);

export interface EotSignals {
  meanVadProbInSilence: number;
  meanBlankProbInSilence: number;
  silenceMs: number;
  maxTurnSilenceMs: number;
  lastWord: { text: string; confidence: number; isFinal: boolean } | undefined;
}

export function endOfTurnConfidence(s: EotSignals): number {
  const acoustic = clamp01(1 - s.meanVadProbInSilence) * clamp01(s.meanBlankProbInSilence);
  const length = clamp01(s.silenceMs / Math.max(1, s.maxTurnSilenceMs));
  let lexical = 0;
  if (s.lastWord) {
    const text = s.lastWord.text;
    lexical = /[.?!]$/.test(text) ? 1 : clamp01(s.lastWord.confidence);
    const bare = text.toUpperCase().replace(/[^A-Z']/g, '');
    if (CONTINUATION_WORDS.has(bare) || /[-,]$/.test(text)) lexical *= 0.3;
  }
  return clamp01(0.45 * acoustic + 0.3 * length + 0.25 * lexical);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
