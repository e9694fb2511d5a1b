import * as ort from 'onnxruntime-node';
const file = process.argv[2], level = process.argv[3] ?? 'basic', N = Number(process.argv[4] ?? 32), extra = process.argv[5];
const opts = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: level, executionMode: 'sequential' };
if (extra === 'daz') opts.extra = { session: { set_denormal_as_zero: '1' } };
const s = await ort.InferenceSession.create(file, opts);
const sig = new Int32Array(N * 2400); for (let i = 0; i < sig.length; i++) sig[i] = Math.round(Math.sin(i * 0.05) * 3000 + (Math.random() - 0.5) * 2000);
let state = new ort.Tensor('float16', new Uint16Array(N * 36984), [N, 36984]);
const feeds = () => ({ [s.inputNames[0]]: new ort.Tensor('int32', sig, [N, 2400, 1]), [s.inputNames[1]]: state });
for (let i = 0; i < 10; i++) { const o = await s.run(feeds()); state = o[s.outputNames[1]]; }
const t = performance.now(); const R = 40;
for (let i = 0; i < R; i++) { const o = await s.run(feeds()); state = o[s.outputNames[1]]; }
console.log(file.split('/').pop(), level, N, extra ?? '', ((performance.now() - t) / R / N).toFixed(3), 'ms/stream-chunk');
