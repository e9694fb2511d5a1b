import { describe, expect, it } from 'vitest';
import { HeartbeatMeter, SilenceReporter } from './voice-activity.ts';

describe('SilenceReporter', () => {
  it('reports a pause once per second of audio as consecutive stretches, and starts again after speech', () => {
    const silence = new SilenceReporter();
    // [processedMs, silenceMs] after each chunk of 300 ms.
    const steps: Array<[number, number]> = [[300, 0], [600, 200], [900, 500], [1200, 800], [1500, 1100], [1800, 1400], [2100, 1700], [2400, 2000], [2700, 2300], [3000, 0], [3300, 300], [4500, 1500]];
    const sent = steps.map(([processed, silent]) => silence.onVoiceActivity(processed, silent));
    expect(sent.filter(Boolean)).toEqual([
      { type: 'Silence', start_ms: 400, end_ms: 1500 },
      { type: 'Silence', start_ms: 1500, end_ms: 2700 },
      { type: 'Silence', start_ms: 3000, end_ms: 4500 },
    ]);
  });
});

describe('HeartbeatMeter', () => {
  it('carries the counters and the highest speech probability since the previous beat', () => {
    const meter = new HeartbeatMeter();
    meter.onVoiceActivity(0.2);
    meter.onVoiceActivity(0.91);
    meter.onVoiceActivity(0.4);
    expect(meter.beat(1800, 2000)).toEqual({ type: 'Heartbeat', total_audio_received_ms: 1800, total_duration_ms: 2000, realtime_factor: 0.9, max_speech_probability: 0.91 });
    expect(meter.beat(1800, 3000)).toMatchObject({ realtime_factor: 0.6, max_speech_probability: 0 });
  });
});
