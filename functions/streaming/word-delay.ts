/**
 * Measures word emission delay at the gateway: when a Turn first carries a word, how long ago did
 * the frame holding the end of that word's audio arrive? Frames are remembered by the audio time
 * they end at, and forgotten once every word before them was measured.
 */
export class WordDelayMeter {
  private frames: Array<{ endMs: number; arrivedAt: number }> = [];
  private audioMs = 0;
  private measuredUpToMs = -1;

  constructor(private readonly now: () => number = performance.now.bind(performance)) {}

  frameArrived(durationMs: number): void {
    this.audioMs += durationMs;
    this.frames.push({ endMs: this.audioMs, arrivedAt: this.now() });
  }

  /** Delays (seconds) for words ending later than any measured before; wordEndsMs in audio time. */
  wordsEmitted(wordEndsMs: number[]): number[] {
    const delays: number[] = [];
    for (const endMs of wordEndsMs) {
      if (endMs <= this.measuredUpToMs) continue;
      this.measuredUpToMs = endMs;
      while (this.frames.length > 1 && this.frames[0].endMs < endMs) this.frames.shift();
      const frame = this.frames[0];
      if (frame && frame.endMs >= endMs) delays.push(Math.max(0, this.now() - frame.arrivedAt) / 1000);
    }
    return delays;
  }
}
