/**
 * Deterministic traffic split. The arm is a pure function of (test id, prediction id): the same
 * prediction always lands in the same arm, a replay reproduces the split exactly, and nothing random
 * has to be stored to explain it. Salting with the test id makes different tests split independently.
 */
import { EngineError } from '../errors';

export type Arm = 'champion' | 'challenger';

const encoder = new TextEncoder();

/** FNV-1a, 32-bit, over the UTF-8 bytes (so another language can reproduce it byte for byte). */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's fmix32 finaliser: FNV alone mixes its last bytes poorly, and ids often differ only there. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A well-mixed number in [0, 1) for this prediction in this test. */
export function routingHash(testId: string, predictionId: string): number {
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  return fmix32(fnv1a32(`${testId}\u0000${predictionId}`)) / 4294967296;
}

/**
 * The arm that answers `predictionId` in test `testId` when the challenger gets `challengerShare`
 * of the traffic (0–1; 0 never routes to it, 1 always does).
 */
export function routeArm(predictionId: string, challengerShare: number, testId: string): Arm {
  if (!(challengerShare >= 0 && challengerShare <= 1)) {
    throw new EngineError('invalid-argument', `challengerShare must be between 0 and 1, got ${challengerShare}.`, { challengerShare });
  }
  return routingHash(testId, predictionId) < challengerShare ? 'challenger' : 'champion';
}
