import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const sherpa = require('sherpa-onnx-node');
const file = process.argv[2], N = Number(process.argv[3] ?? 32);
const rec = new sherpa.OnlineRecognizer({ featConfig: { sampleRate: 16000, featureDim: 80 },
  modelConfig: { toneCtc: { model: file }, tokens: 'models/earshot-en/tokens.txt', numThreads: 1, provider: 'cpu', debug: 0 }, decodingMethod: 'greedy_search' });
const secs = 12;
const streams = Array.from({ length: N }, () => rec.createStream());
const a = new Float32Array(8000 * secs); for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.1) * 0.1 + (Math.random() - 0.5) * 0.05;
for (const s of streams) s.acceptWaveform({ samples: a, sampleRate: 8000 });
let chunks = 0, t = 0, calls = 0;
for (;;) { const ready = streams.filter((s) => rec.isReady(s)); if (!ready.length) break; const t0 = performance.now(); rec.decodeStreams(ready); if (calls++ >= 3) { t += performance.now() - t0; chunks += ready.length; } }
console.log(file.split('/').pop(), 'sherpa', N, (t / chunks).toFixed(3), 'ms/stream-chunk');
