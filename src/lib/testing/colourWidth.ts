import type { Dataset } from '$lib/engine/data/dataset';

/** A two-column data set for small tests: a categorical `colour` (code indices) and a numeric `width`. */
export function colourWidth(colour: number[], width: number[], label: number[]): Dataset {
  return {
    rows: label.length,
    label: Uint8Array.from(label),
    columns: [
      { name: 'colour', kind: 'categorical', values: Uint8Array.from(colour) },
      { name: 'width', kind: 'numeric', values: Float64Array.from(width) },
    ],
  };
}
