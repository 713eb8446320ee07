// Larger copies of the Secondary data for the scale bench: rows drawn with replacement from the real
// file, the three numbers jittered a little so that the copies are not exact duplicates, written to a
// temporary folder that the caller deletes. Never committed: the rows are the UCI data's.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

/** Seeded generator (mulberry32): the same file for the same size on every run. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Relative noise of about ±3 % (sum of two uniforms, triangular), two decimals, never below 0.01 for a positive number. */
function jitter(cell, random) {
  if (cell === '') return cell; // missing stays missing
  const v = Number(cell);
  if (!(v > 0)) return cell; // a zero (or anything odd) is left as the source has it
  const noisy = v * (1 + 0.03 * (random() + random() - 1));
  return Math.max(0.01, Math.round(noisy * 100) / 100).toFixed(2);
}

const NUMERIC = ['cap-diameter', 'stem-height', 'stem-width'];

/**
 * Writes `rows` data rows drawn with replacement from `source` (semicolon-delimited, header first) to
 * `target`, same header and delimiter, the numeric columns jittered. Returns the rows written.
 */
export function writeResampledCsv(source, target, rows, seed = 42) {
  const [header, ...lines] = readFileSync(source, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const names = header.split(';');
  const numeric = NUMERIC.map((n) => names.indexOf(n));
  if (numeric.includes(-1)) throw new Error(`${source} has no column ${NUMERIC[numeric.indexOf(-1)]}: not the Secondary data`);
  const random = mulberry32(seed);
  const fd = openSync(target, 'w');
  try {
    writeSync(fd, header + '\n');
    const block = [];
    for (let i = 0; i < rows; i++) {
      const cells = lines[Math.floor(random() * lines.length)].split(';');
      for (const j of numeric) cells[j] = jitter(cells[j], random);
      block.push(cells.join(';'));
      // Written in blocks: a million rows never become one string.
      if (block.length === 10_000 || i === rows - 1) {
        writeSync(fd, block.join('\n') + '\n');
        block.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  return rows;
}
