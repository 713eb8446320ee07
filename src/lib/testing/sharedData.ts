import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** `../shared` beside the project: real data sets and oracle values. Absent in a fresh clone. */
export const SHARED_DIR = resolve(process.env.SPOREPRINT_SHARED ?? resolve(import.meta.dirname, '../../../../shared'));
export const DATA_DIR = resolve(SHARED_DIR, 'data');
export const hasSharedData = existsSync(resolve(DATA_DIR, 'mushrooms.csv')) && existsSync(resolve(DATA_DIR, 'secondary_data.csv'));
export const SKIP_REASON = `real data sets not found in ${DATA_DIR} (a fresh clone without ../shared): skipped`;

export function readSharedData(name: 'mushrooms.csv' | 'secondary_data.csv'): string {
  return readFileSync(resolve(DATA_DIR, name), 'utf8');
}

export function readSample(name: 'uci-synthetic.csv' | 'secondary-synthetic.csv'): string {
  return readFileSync(resolve(import.meta.dirname, '../../../data/samples', name), 'utf8');
}
