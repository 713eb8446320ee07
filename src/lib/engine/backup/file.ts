import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { throwIfCancelled } from '../errors';
import type { ProgressCallback } from '../progress';
import { BACKUP_APP, checkDigest, headerLine, parseHeader, parseTrailer, refuse, segmentRanges, trailerLine, type BackupHeader, type ReaderLimits } from './format';
import type { BackupTable } from './tables';

/** Slices read (and hashed) at a time: the file is never held whole in memory. */
const SLICE = 4 * 1024 * 1024;
/** A header longer than this is not ours (ours are a few kilobytes). */
const MAX_HEADER = 4 * 1024 * 1024;
const TAIL = 4096;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SegmentBlob {
  table: BackupTable;
  rows: number;
  /** One line of JSON without its newline (a dexie-export-import file of that table). */
  blob: Blob;
}

/** SHA-256 of blob[start, end), read slice by slice. */
async function hashRange(hash: ReturnType<typeof sha256.create>, blob: Blob, start: number, end: number, tick: (bytes: number) => void, signal?: AbortSignal): Promise<void> {
  for (let at = start; at < end; at += SLICE) {
    throwIfCancelled(signal);
    const part = new Uint8Array(await blob.slice(at, Math.min(end, at + SLICE)).arrayBuffer());
    hash.update(part);
    tick(part.length);
  }
}

/**
 * The backup file from its header (without the segment list, filled in here) and one blob per
 * table: header line, table lines, trailer line with the SHA-256 of all before it. A Blob made of
 * blobs: nothing is copied into one buffer.
 */
export async function assembleBackup(
  header: Omit<BackupHeader, 'segments'>,
  segments: SegmentBlob[],
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<{ blob: Blob; sha256: string }> {
  const full: BackupHeader = { ...header, segments: segments.map((s) => ({ table: s.table, rows: s.rows, bytes: s.blob.size })) };
  const head = encoder.encode(headerLine(full));
  const hash = sha256.create();
  hash.update(head);
  const total = segments.reduce((n, s) => n + s.blob.size, 0);
  let done = 0;
  const newline = encoder.encode('\n');
  for (const s of segments) {
    await hashRange(hash, s.blob, 0, s.blob.size, (n) => onProgress?.({ phase: 'Checksum', done: (done += n), total }), signal);
    hash.update(newline);
  }
  const contentBytes = head.length + segments.reduce((n, s) => n + s.blob.size + 1, 0);
  const parts: (Blob | Uint8Array<ArrayBuffer> | string)[] = [head];
  for (const s of segments) parts.push(s.blob, '\n');
  const digest = bytesToHex(hash.digest());
  parts.push(trailerLine(digest, contentBytes));
  return { blob: new Blob(parts, { type: 'application/x-ndjson' }), sha256: digest };
}

export interface VerifiedBackup {
  header: BackupHeader;
  segments: { table: BackupTable; rows: number; start: number; end: number }[];
  sha256: string;
}

/**
 * Checks a file before anything is read from it into the database: our header (another app's file
 * and a newer format are refused), a complete trailer (a truncated file is refused) and the SHA-256
 * of the content (an edited or damaged file is refused). Reads the file slice by slice.
 */
export async function verifyBackup(file: Blob, limits: ReaderLimits, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<VerifiedBackup> {
  if (file.size === 0) throw refuse('not-a-backup', 'This file is empty.');
  // Lines are found in the bytes (a newline byte never occurs inside a UTF-8 character), then decoded.
  const head = new Uint8Array(await file.slice(0, Math.min(file.size, MAX_HEADER)).arrayBuffer());
  const nl = head.indexOf(0x0a);
  const first = decoder.decode(nl < 0 ? head : head.subarray(0, nl));
  const cutInHeader = () => refuse('truncated', 'This backup file is incomplete: it ends inside its header (the download or copy was cut short).');
  if (nl < 0 && first.startsWith(`{"app":"${BACKUP_APP}"`)) throw cutInHeader();
  const header = parseHeader(first, limits);
  if (nl < 0) throw cutInHeader();
  const headerBytes = nl + 1;

  const tailStart = Math.max(0, file.size - TAIL);
  const tail = new Uint8Array(await file.slice(tailStart).arrayBuffer());
  if (tail[tail.length - 1] !== 0x0a) throw refuse('truncated', 'This backup file is incomplete: it stops in the middle of a line (the download or copy was cut short).');
  const lastStart = tail.lastIndexOf(0x0a, tail.length - 2) + 1;
  const trailer = parseTrailer(decoder.decode(tail.subarray(lastStart, tail.length - 1)));
  const trailerAt = tailStart + lastStart;
  if (trailer.checksum.contentBytes !== trailerAt) {
    throw refuse('truncated', `This backup file is damaged: its checksum covers ${trailer.checksum.contentBytes} bytes, but ${trailerAt} come before it.`);
  }
  const segments = segmentRanges(header, headerBytes, trailer);

  const hash = sha256.create();
  let done = 0;
  await hashRange(hash, file, 0, trailerAt, (n) => onProgress?.({ phase: 'Checking the checksum', done: (done += n), total: trailerAt }), signal);
  const actual = bytesToHex(hash.digest());
  checkDigest(trailer.checksum.value, actual);
  return { header, segments, sha256: actual };
}
