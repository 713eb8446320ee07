import { EngineError, throwIfCancelled } from '../errors';
import type { ProgressCallback } from '../progress';
import { throttleProgress } from '../progress';
import type { CsvFormat, CsvInput } from './csv';
import { decodeUtf16, looksBinary, parseCsvStream } from './csv';
import { CsvByteStream, sizeText } from './csvByteStream';
import type { Dataset } from './dataset';
import { canonicalBytes, countDuplicates, sha256Hex } from './hash';
import type { MatchKind, SchemaMatch } from './match';
import { classCandidateNames, inferSchema, matchSchema } from './match';
import type { DatasetProfile } from './profile';
import { profileDataset } from './profile';
import type { WorkspaceSchema } from './schema';
import type { RowRejection } from './validate';
import { RowValidator } from './validate';
import type { RowProblem } from './cells';

/** The data-quality report shown before anything is stored. */
export interface ImportReport {
  sourceName: string;
  /** False for a file to predict without a class column: its class counts mean nothing. */
  hasClass: boolean;
  bytes: number;
  format: CsvFormat;
  schemaId: string;
  schemaName: string;
  match: MatchKind;
  /** An inferred schema: the columns that could be its class (both e and p, nothing else), for the user to choose from. */
  classCandidates?: string[];
  ignoredColumns: string[];
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** The first rejections in file order (all bad cells of a row); counts below cover every row. */
  rejections: RowRejection[];
  rejectedByReason: Partial<Record<RowProblem, number>>;
  /** Missing values per feature among accepted rows. */
  missingByColumn: Record<string, number>;
  duplicateRows: number;
  /** [edible, poisonous] among accepted rows. */
  classCounts: [number, number];
  /** Numbers written with a decimal comma ("17,09") and read as decimal points. */
  decimalCommas: number;
  sha256: string;
  parseMs: number;
}

export interface ImportAnalysis {
  report: ImportReport;
  schema: WorkspaceSchema;
  dataset: Dataset;
  profile: DatasetProfile;
}

export interface AnalyzeOptions {
  sourceName: string;
  /** Known schemas, built-in first; the file is matched against them in this order. */
  schemas: WorkspaceSchema[];
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /**
   * For files to predict: the class column may be absent, and a file matching none of `schemas` is
   * refused instead of starting a new workspace.
   */
  classOptional?: boolean;
  /** A file of unknown layout: the class column the user chose in the import review (else found by name, match.ts). */
  classColumn?: string;
}

/**
 * Parses, matches and validates a CSV without storing anything: the caller shows the report and
 * stores the accepted rows only if the user says so. Whole-file problems (empty, header only,
 * binary, no class column) throw an EngineError; row problems land in the report.
 */
/** What one pass over the file gives: its header, the schema it matched (if any) with the rows validated, else the rows kept for inference. */
interface ReadPass {
  header: string[] | null;
  match: SchemaMatch | null;
  validator: RowValidator | null;
  buffered: { fields: string[]; row: number }[];
  dataRows: number;
  format: CsvFormat;
}

/** Streams the file once: the header picks the schema, and every row after it is validated as it arrives. */
async function readOnce(input: CsvInput, opts: AnalyzeOptions, progress: ProgressCallback): Promise<ReadPass> {
  const pass: Omit<ReadPass, 'format'> = { header: null, match: null, validator: null, buffered: [], dataRows: 0 };
  const format = await parseCsvStream(input, {
    signal: opts.signal,
    onProgress: (done, total) =>
      progress(
        input instanceof CsvByteStream
          ? { phase: 'Downloading and validating', done, total, detail: total ? `${sizeText(done)} of ${sizeText(total)}` : `${sizeText(done)} so far (the server did not say how much)` }
          : { phase: 'Reading and validating', done, total },
      ),
    onRows(rows, firstRowNumber, fmt) {
      let start = 0;
      if (firstRowNumber === 1) {
        pass.header = rows[0];
        pass.match = matchSchema(rows[0], opts.schemas, opts.classOptional);
        if (pass.match) pass.validator = new RowValidator(pass.match, rows[0].length, fmt.delimiter !== ',');
        if (!pass.match?.headerless) start = 1;
      }
      for (let i = start; i < rows.length; i++) {
        pass.dataRows++;
        if (pass.validator) pass.validator.push(rows[i], firstRowNumber + i);
        else pass.buffered.push({ fields: rows[i], row: firstRowNumber + i });
      }
    },
  });
  return { ...pass, format };
}

/** The schema and the validated rows: the matched schema, or one inferred from the header and the rows. */
function settleSchema(pass: ReadPass, opts: AnalyzeOptions): { match: SchemaMatch; validator: RowValidator; classCandidates?: string[] } {
  const { header } = pass;
  if (!header) throw new EngineError('empty-file', `${opts.sourceName} is empty: there is no header and no row.`);
  if (pass.dataRows === 0) throw new EngineError('header-only', `${opts.sourceName} has a header but no data rows.`, { columns: header });
  if (pass.match && pass.validator) return { match: pass.match, validator: pass.validator };
  if (opts.classOptional) {
    throw new EngineError('no-class-column', `The columns of ${opts.sourceName} do not match the ${opts.schemas.map((s) => s.name).join(' or ')} schema: every feature column must be present (the class column may be left out).`);
  }
  const sample = pass.buffered.filter((r) => r.fields.length === header.length).map((r) => r.fields);
  let match: SchemaMatch;
  try {
    match = inferSchema(header, sample, opts.sourceName, opts.classColumn);
  } catch (e) {
    throw withoutClassOfKnownSchema(e, header, opts) ?? e;
  }
  const validator = new RowValidator(match, header.length, pass.format.delimiter !== ',');
  for (const r of pass.buffered) validator.push(r.fields, r.row);
  return { match, validator, classCandidates: classCandidateNames(header, sample) };
}

/** A known schema's features without its class column: reference data needs the class, a batch to predict does not — say so. */
function withoutClassOfKnownSchema(e: unknown, header: string[], opts: AnalyzeOptions): EngineError | null {
  if (!(e instanceof EngineError) || e.code !== 'no-class-column' || (e.details.candidates as string[] | undefined)?.length) return null;
  const known = matchSchema(header, opts.schemas, true);
  if (!known) return null;
  return new EngineError(
    'no-class-column',
    `${opts.sourceName} has the columns of ${known.schema.name} but not its class column "${known.schema.classColumn}": reference data needs the class (e/p) of every row. To get predictions for these mushrooms, drop the file on the Predict page instead.`,
    { ...e.details, schema: known.schema.id },
  );
}

export async function analyzeCsv(input: CsvInput, opts: AnalyzeOptions): Promise<ImportAnalysis> {
  const started = Date.now();
  const progress = throttleProgress(opts.onProgress);
  // A UTF-16 file is decoded once and parsed as a Blob again (UTF-8 now), so parsing still streams
  // and yields to a cancel; its size stays the file's own. A URL's stream is read as UTF-8.
  const utf16 = typeof input === 'string' || input instanceof CsvByteStream ? null : await decodeUtf16(input);
  const fileBytes = utf16 && input instanceof Blob ? input.size : null;
  if (utf16) input = new Blob([utf16.text]);
  const hadBom = (await refuseNonText(input, opts.signal)) || utf16 !== null;
  const pass = await readOnce(input, opts, progress);
  throwIfCancelled(opts.signal);
  const bytes = fileBytes ?? (typeof input === 'string' ? new TextEncoder().encode(input).length : input instanceof CsvByteStream ? input.bytesRead : input.size);
  const format = pass.format;
  format.hadBom ||= hadBom;
  if (utf16) format.encoding = utf16.encoding;
  const { match: m, validator: v, classCandidates } = settleSchema(pass, opts);

  progress({ phase: 'Hashing and profiling', done: 0, total: 1 });
  const dataset = v.finish();
  const canonical = canonicalBytes(m.schema, dataset);
  const sha256 = await sha256Hex(canonical.bytes);
  const profile = profileDataset(m.schema, dataset);
  progress({ phase: 'Hashing and profiling', done: 1, total: 1 });

  const report: ImportReport = {
    sourceName: opts.sourceName,
    hasClass: m.fileIndex[0] >= 0,
    bytes,
    format,
    schemaId: m.schema.id,
    schemaName: m.schema.name,
    match: m.kind,
    ...(classCandidates ? { classCandidates } : {}),
    ignoredColumns: m.ignoredColumns,
    rowsRead: v.rowsRead,
    rowsAccepted: v.rowsAccepted,
    rowsRejected: v.rowsRejected,
    rejections: v.rejections,
    rejectedByReason: v.rejectedByReason,
    missingByColumn: Object.fromEntries(profile.columns.map((c) => [c.name, c.missing])),
    duplicateRows: countDuplicates(canonical),
    classCounts: profile.classCounts,
    decimalCommas: v.decimalCommas,
    sha256,
    parseMs: Date.now() - started,
  };
  return { report, schema: m.schema, dataset, profile };
}

/** Refuses empty and binary input before parsing; returns whether the text starts with a UTF-8 BOM. */
async function refuseNonText(input: CsvInput, signal?: AbortSignal): Promise<boolean> {
  if (typeof input === 'string') {
    if (!input.trim()) throw new EngineError('empty-file', 'The file is empty.');
    if (looksBinary(new TextEncoder().encode(input.slice(0, 4096)))) throw binaryError();
    return input.charCodeAt(0) === 0xfeff;
  }
  // A download's first bytes are read ahead (and parsed later with the rest).
  const head = input instanceof CsvByteStream ? await input.head(signal, 4096) : new Uint8Array(await input.slice(0, 4096).arrayBuffer());
  if (head.length === 0) throw new EngineError('empty-file', 'The file is empty (0 bytes).');
  if (looksBinary(head)) throw binaryError();
  if (!new TextDecoder().decode(head).trim()) throw new EngineError('empty-file', 'The file holds only blank space.');
  return head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

function binaryError(): EngineError {
  return new EngineError(
    'binary-file',
    'This is not a text CSV file (it looks binary — an Excel workbook or an image?). Save it as CSV and try again.',
  );
}
