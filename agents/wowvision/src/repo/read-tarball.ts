import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type WowError } from '#platform/errors';
import { createError } from '../errors.ts';
import { inlineCode } from '../report/inline-code.ts';
import { gitBlobId } from './git-blob-id.ts';
import { snapshotOf, type RepoSnapshot } from './repo-snapshot.ts';

/**
 * How much of a head commit the App reads into its own process (which also serves the
 * desk): the tarball's bytes, downloaded and unpacked; its files; one file's bytes.
 */
export interface TarballLimits {
  maxBytes: number;
  maxFiles: number;
  maxFileBytes: number;
}

/** A head's contents and the bytes its files hold in memory. */
export interface SizedSnapshot extends RepoSnapshot {
  readonly bytes: number;
}

/** The configuration's defaults (WOWVISION_TARBALL_MAX_BYTES, WOWVISION_TARBALL_MAX_FILES, WOWVISION_FILE_MAX_BYTES). */
export const defaultTarballLimits: TarballLimits = {
  maxBytes: 100 * 1024 ** 2,
  maxFiles: 50_000,
  maxFileBytes: 10 * 1024 ** 2,
};

const block = 512;

/**
 * The head commit as GitHub serves it (`GET /repos/{o}/{r}/tarball/{sha}`): one download
 * instead of a request per file, read as it arrives. Reading stops at the first cap it
 * passes, which cancels the download; the error (WOW_ERR_VISION_TOO_LARGE) names the cap.
 * Entries sit under one top folder ("owner-repo-sha/"), long paths come in pax headers;
 * only regular files are kept.
 */
export async function snapshotFromTarball(
  gzipped: Uint8Array | AsyncIterable<Uint8Array>,
  limits: TarballLimits = defaultTarballLimits,
): Promise<SizedSnapshot> {
  const source: AsyncIterable<Uint8Array> =
    gzipped instanceof Uint8Array
      ? (async function* () {
          yield gzipped;
        })()
      : gzipped;
  const reader = createTarReader(limits);
  let downloaded = 0;
  let unpacked = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Uint8Array>) {
      for await (const chunk of chunks) {
        downloaded += chunk.length;
        if (downloaded > limits.maxBytes)
          throw tooLarge(
            `the head commit's tarball is larger than ${figure(limits.maxBytes)}`,
            'WOWVISION_TARBALL_MAX_BYTES',
          );
        yield chunk;
      }
    },
    createGunzip(),
    async function (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        // A small download can unpack to a great deal (a gzip bomb): the cap holds for both.
        unpacked += chunk.length;
        if (unpacked > limits.maxBytes)
          throw tooLarge(
            `the head commit's tarball unpacks to more than ${figure(limits.maxBytes)}`,
            'WOWVISION_TARBALL_MAX_BYTES',
          );
        reader.push(chunk);
      }
    },
  );
  let bytes = 0;
  for (const content of reader.files.values()) bytes += content.length;
  return { ...snapshotOf(reader.files, gitBlobId), bytes };
}

interface Entry {
  type: string;
  path: string;
  size: number;
  /** The body's bytes on the wire: its size rounded up to whole blocks. */
  padded: number;
  read: number;
  chunks: Buffer[];
  keep: boolean;
}

/** A tar parser fed chunk by chunk; it holds at most one entry's body at a time. */
function createTarReader(limits: TarballLimits) {
  const files = new Map<string, Buffer>();
  let rest: Buffer = Buffer.alloc(0);
  let entry: Entry | undefined;
  let longPath: string | undefined;
  let ended = false;

  const startEntry = (header: Buffer): void => {
    const bytes = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = field(header, 345, 155);
    const path =
      type === 'x' || type === 'L' || type === 'g'
        ? ''
        : (longPath ?? (prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`));
    if (type !== 'x' && type !== 'L') longPath = undefined;
    const regular = type === '0' || type === '\0';
    const inside = path.slice(path.indexOf('/') + 1);
    if (regular && inside !== '') {
      if (files.size >= limits.maxFiles)
        throw tooLarge(
          `the head commit holds more than ${limits.maxFiles.toLocaleString('en-US')} files`,
          'WOWVISION_TARBALL_MAX_FILES',
        );
      if (bytes > limits.maxFileBytes)
        throw tooLarge(
          `${inlineCode(inside, 300)} is ${bytes.toLocaleString('en-US')} bytes, over ${figure(limits.maxFileBytes)}`,
          'WOWVISION_FILE_MAX_BYTES',
        );
    }
    // Long names are records of their own, bounded like a file.
    if ((type === 'x' || type === 'L') && bytes > limits.maxFileBytes)
      throw tooLarge(
        `a path record of ${bytes.toLocaleString('en-US')} bytes is over ${figure(limits.maxFileBytes)}`,
        'WOWVISION_FILE_MAX_BYTES',
      );
    const keep = (regular && inside !== '') || type === 'x' || type === 'L';
    entry = { type, path: inside, size: bytes, padded: Math.ceil(bytes / block) * block, read: 0, chunks: [], keep };
  };

  const finishEntry = (done: Entry): void => {
    const body = Buffer.concat(done.chunks, done.size);
    if (done.type === 'x') longPath = paxPath(body) ?? longPath;
    else if (done.type === 'L') longPath = body.toString('utf8').replace(/\0+$/, '');
    else if (done.keep) files.set(done.path, body);
  };

  return {
    files,
    push(chunk: Buffer): void {
      rest = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
      while (!ended) {
        if (entry === undefined) {
          if (rest.length < block) return;
          const header = rest.subarray(0, block);
          rest = rest.subarray(block);
          if (header.every((b) => b === 0)) ended = true;
          else startEntry(header);
          continue;
        }
        const take = Math.min(entry.padded - entry.read, rest.length);
        if (entry.keep && entry.read < entry.size)
          entry.chunks.push(rest.subarray(0, Math.min(take, entry.size - entry.read)));
        entry.read += take;
        rest = rest.subarray(take);
        if (entry.read < entry.padded) return;
        finishEntry(entry);
        entry = undefined;
      }
    },
  };
}

/** WOW_ERR_VISION_TOO_LARGE: `what` passed the cap `setting` names (also in the error's data). */
export function tooLarge(what: string, setting: string): WowError {
  return createError('WOW_ERR_VISION_TOO_LARGE', { what, setting }, { data: { setting } });
}

/** "65,536 bytes (64 KiB)": the exact figure a setting takes, and one a person reads. */
export function figure(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit === 'bytes'
    ? `${bytes.toLocaleString('en-US')} bytes`
    : `${bytes.toLocaleString('en-US')} bytes (${Number.isInteger(value) ? value : value.toFixed(1)} ${unit})`;
}

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** The `path` record of a pax extended header: "<bytes> path=<value>\n" records. */
function paxPath(records: Buffer): string | undefined {
  for (let at = 0; at < records.length;) {
    const space = records.indexOf(32, at);
    const length = Number(records.subarray(at, space).toString());
    if (space === -1 || !Number.isFinite(length) || length <= 0) return undefined;
    const record = records.subarray(space + 1, at + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return undefined;
}
