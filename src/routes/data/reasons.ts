import type { RowProblem } from '$lib/engine/data/cells';

export const REASON_LABELS: Record<RowProblem, string> = {
  'unknown-code': 'unknown code',
  'not-a-number': 'not a number',
  'field-count': 'wrong number of fields',
  'missing-class': 'missing class',
  'unknown-class': 'unknown class',
};

/** What to tell the user for each whole-file failure, by error code. */
export const IMPORT_ERROR_TITLES: Record<string, string> = {
  'empty-file': 'The file is empty',
  'header-only': 'Only a header, no rows',
  'binary-file': 'Not a CSV file',
  'no-class-column': 'No class column',
  cancelled: 'Import cancelled',
  'quota-exceeded': 'Not enough storage space',
  'storage-failed': 'Could not save',
  'fetch-failed': 'Download failed',
  'too-large': 'File too large',
  'invalid-argument': 'Cannot import that',
};
