// Runs on the audio thread. Mixes the input to mono, brings it to the target rate (16 kHz) and
// posts PCM16 frames of `frameMs` with their peak level. Resampling averages the input samples
// that fall into each output sample: a box filter is a crude low-pass, but enough to keep
// 44.1/48 kHz microphones from aliasing into the speech band, and it costs nothing per sample.
// The AudioContext runs at the device's rate because not every browser lets a microphone feed a
// 16 kHz context.
class PcmFramer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate = 16000, frameMs = 80 } = options.processorOptions ?? {};
    this.step = targetRate / sampleRate; // output samples per input sample
    this.frameLength = Math.round((targetRate * frameMs) / 1000);
    this.frame = new Int16Array(this.frameLength);
    this.filled = 0;
    this.sum = 0;
    this.count = 0;
    this.phase = 0;
    this.peak = 0;
    this.last = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const length = channels[0].length;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (const channel of channels) sample += channel[i];
      this.sum += sample / channels.length;
      this.count++;
      this.phase += this.step;
      while (this.phase >= 1) {
        this.phase -= 1;
        // Upsampling (a context below 16 kHz) repeats the last value.
        if (this.count > 0) this.last = this.sum / this.count;
        this.emit(this.last);
        this.sum = 0;
        this.count = 0;
      }
    }
    return true;
  }

  emit(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.peak = Math.max(this.peak, Math.abs(clamped));
    this.frame[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    if (this.filled === this.frameLength) {
      this.port.postMessage({ pcm: this.frame.buffer, peak: this.peak }, [this.frame.buffer]);
      this.frame = new Int16Array(this.frameLength);
      this.filled = 0;
      this.peak = 0;
    }
  }
}

registerProcessor('pcm-framer', PcmFramer);
