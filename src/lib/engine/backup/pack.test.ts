import { describe, expect, it } from 'vitest';
import { packNumbers, unpackNumbers, PACKED } from './pack';

describe('packNumbers / unpackNumbers', () => {
  it('turns long arrays of numbers into Float64Arrays and back, every value exact', () => {
    const long = Array.from({ length: 40 }, (_, i) => i / 3);
    long[3] = Number.NaN;
    long[4] = -0;
    long[5] = Infinity;
    long[6] = -Infinity;
    long[7] = 1e-320;
    const row = { id: 1, ref: { summary: { sorted: [...long] }, points: [[...long], [1, 2]] }, label: Uint8Array.of(1, 2), mixed: [...long.slice(0, 35), 'x'], short: [1, 2, 3] };
    const packed = packNumbers(structuredClone(row));
    expect(packed.ref.summary.sorted).toEqual({ [PACKED]: Float64Array.from(long) });
    expect((packed.ref.points as unknown[])[1]).toEqual([1, 2]);
    expect(packed.label).toBeInstanceOf(Uint8Array); // typed arrays are stored as they are
    expect(packed.mixed).toHaveLength(36); // not all numbers: left alone
    expect(packed.short).toEqual([1, 2, 3]);
    const back = unpackNumbers(structuredClone(packed));
    expect(back).toEqual(row);
    expect(Object.is(back.ref.summary.sorted[4], -0)).toBe(true);
    expect(back.ref.summary.sorted[3]).toBeNaN();
  });
});
