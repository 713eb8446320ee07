import type { Matrix } from '../ml/matrix';
import type { Pca } from '../ml/pca';

/**
 * Test helper: ‖x − x̂‖² with x̂ = mean + Σⱼ zⱼ·componentⱼ, zⱼ = (x − mean)·componentⱼ, computed
 * the long way in float64 (no projection.ts), to check the shortcut the app uses.
 */
export function explicitReconstructionError(pca: Pca, x: Matrix, r: number): number {
  const d = pca.mean.length;
  const centred = Array.from({ length: d }, (_, c) => x.data[r * d + c] - pca.mean[c]);
  const rebuilt = [...pca.mean];
  for (const axis of pca.components) {
    const z = centred.reduce((s, v, c) => s + v * axis[c], 0);
    for (let c = 0; c < d; c++) rebuilt[c] += z * axis[c];
  }
  return rebuilt.reduce((s, v, c) => s + (x.data[r * d + c] - v) ** 2, 0);
}
