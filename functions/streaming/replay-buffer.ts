/**
 * The audio a session could still need if its ASR worker died: its frames from the start, in
 * session time (ms of audio since Begin). asr-link.ts replays them to the next worker. Bounded by
 * trim(): past `limitMs` the oldest frames go (and `lostMs` says how much).
 */
export interface BufferedFrame {
  /** Session time of the frame's first sample (ms). */
  startMs: number;
  endMs: number;
  audio: Uint8Array;
}

export class ReplayBuffer {
  private frames: BufferedFrame[] = [];
  private heldMs = 0;
  /** Session time at the end of the audio appended so far. */
  endMs = 0;
  /** Audio dropped because the buffer was full (not because it was released). */
  lostMs = 0;

  constructor(
    private readonly durationOf: (audio: Uint8Array) => number,
    private readonly limitMs: number,
  ) {}

  append(audio: Uint8Array): void {
    const durationMs = this.durationOf(audio);
    this.frames.push({ startMs: this.endMs, endMs: this.endMs + durationMs, audio });
    this.endMs += durationMs;
    this.heldMs += durationMs;
  }

  /** Drop the oldest frames beyond `limitMs`. */
  trim(): void {
    while (this.heldMs > this.limitMs && this.frames.length > 1) {
      const dropped = this.frames.shift()!;
      this.heldMs -= dropped.endMs - dropped.startMs;
      this.lostMs += dropped.endMs - dropped.startMs;
    }
  }

  /** Forget frames that end at or before `sessionMs` (their words are final). */
  release(sessionMs: number): void {
    while (this.frames.length > 0 && this.frames[0].endMs <= sessionMs) {
      const released = this.frames.shift()!;
      this.heldMs -= released.endMs - released.startMs;
    }
  }

  /** Session time the buffered audio starts at (= endMs when empty). */
  get startMs(): number {
    return this.frames[0]?.startMs ?? this.endMs;
  }

  get heldDurationMs(): number {
    return this.heldMs;
  }

  /** The buffered frames, oldest first. */
  contents(): readonly BufferedFrame[] {
    return this.frames;
  }
}
