import { describe, expect, it } from 'vitest';
import { seededRng } from '../ml/rng';
import { routeArm, routingHash } from './routing';

const N = 10_000;
const sequentialIds = Array.from({ length: N }, (_, i) => String(i + 1));
const rng = seededRng(6);
const hex = (len: number) => Array.from({ length: len }, () => Math.floor(rng() * 16).toString(16)).join('');
const uuidIds = Array.from({ length: N }, () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);

function challengerCount(ids: string[], share: number, testId: string): number {
  return ids.filter((id) => routeArm(id, share, testId) === 'challenger').length;
}

describe('routeArm', () => {
  it('is deterministic: the same id in the same test always gets the same arm', () => {
    for (const id of uuidIds.slice(0, 200)) expect(routeArm(id, 0.5, 'test-1')).toBe(routeArm(id, 0.5, 'test-1'));
  });

  it('matches an independent implementation (Python: FNV-1a 32 over UTF-8 "test\\0id", then fmix32, / 2³²)', () => {
    // The FNV-1a core also reproduces the published vectors fnv1a32("a") = 0xe40c292c, ("foobar") = 0xbf9cf968.
    expect(routingHash('test-1', 'pred-42')).toBe(0.48803538270294666);
    expect(routingHash('ab-7', 'été-1')).toBe(0.942570781102404);
  });

  it.each([
    ['sequential', 0.3],
    ['sequential', 0.5],
    ['uuid', 0.3],
    ['uuid', 0.5],
  ] as const)('sends %s ids to the challenger at share %d within 4 standard errors', (kind, share) => {
    const ids = kind === 'sequential' ? sequentialIds : uuidIds;
    const se = Math.sqrt(N * share * (1 - share));
    for (const testId of ['test-1', 'test-2', 'a-much-longer-test-identifier']) {
      expect(Math.abs(challengerCount(ids, share, testId) - N * share), testId).toBeLessThan(4 * se);
    }
  });

  it('routes independently in different tests: joint challenger share ≈ share² within 4 standard errors', () => {
    for (const share of [0.3, 0.5]) {
      const both = sequentialIds.filter((id) => routeArm(id, share, 'test-1') === 'challenger' && routeArm(id, share, 'test-2') === 'challenger').length;
      const p = share * share;
      expect(Math.abs(both - N * p)).toBeLessThan(4 * Math.sqrt(N * p * (1 - p)));
    }
  });

  it('raising the share only moves champion rows to the challenger', () => {
    for (const id of uuidIds.slice(0, 2000)) {
      if (routeArm(id, 0.3, 't') === 'challenger') expect(routeArm(id, 0.5, 't')).toBe('challenger');
    }
  });

  it('share 0 never and share 1 always routes to the challenger', () => {
    expect(challengerCount(uuidIds.slice(0, 1000), 0, 't')).toBe(0);
    expect(challengerCount(uuidIds.slice(0, 1000), 1, 't')).toBe(1000);
  });

  it.each([-0.1, 1.1, NaN])('rejects share %d with invalid-argument', (share) => {
    expect(() => routeArm('x', share, 't')).toThrow(expect.objectContaining({ name: 'EngineError', code: 'invalid-argument' }));
  });
});
