import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ProviderChoice {
  provider: 'cpu' | 'cuda';
  reason: string;
}

/**
 * CUDA when both a GPU (an NVIDIA device node) and onnxruntime-node's CUDA provider library
 * (installed separately, see gpu-pool/README.md) are present; otherwise CPU. `requested`
 * 'cuda' without both is an error rather than a silent CPU fallback.
 */
export function chooseProvider(requested: 'auto' | 'cpu' | 'cuda' = 'auto'): ProviderChoice {
  if (requested === 'cpu') return { provider: 'cpu', reason: 'requested' };
  const gpu = existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl');
  const cudaLib = findCudaProviderLibrary();
  if (gpu && cudaLib) return { provider: 'cuda', reason: `GPU device present and ${cudaLib}` };
  const why = !gpu ? 'no NVIDIA device found' : 'onnxruntime CUDA provider library not installed';
  if (requested === 'cuda') throw new Error(`provider 'cuda' requested but ${why}`);
  return { provider: 'cpu', reason: why };
}

function findCudaProviderLibrary(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    const bin = join(root, 'bin', 'napi-v6', process.platform, process.arch);
    const hit = readdirSync(bin).find((f) => f.startsWith('libonnxruntime_providers_cuda'));
    return hit ? join(bin, hit) : null;
  } catch {
    return null;
  }
}
