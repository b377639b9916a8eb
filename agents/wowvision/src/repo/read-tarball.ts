import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { gitBlobId } from './git-blob-id.ts';
import { snapshotOf, type RepoSnapshot } from './repo-snapshot.ts';

const unzip = promisify(gunzip);

/**
 * The head commit as GitHub serves it (`GET /repos/{o}/{r}/tarball/{sha}`): one download
 * instead of a request per file. Entries sit under one top folder ("owner-repo-sha/"),
 * long paths come in pax headers; only regular files are kept.
 */
export async function snapshotFromTarball(gzipped: Uint8Array): Promise<RepoSnapshot> {
  const tar = await unzip(gzipped);
  const files = new Map<string, Buffer>();
  let longPath: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const body = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longPath = paxPath(body) ?? longPath;
      continue;
    }
    if (type === 'L') {
      longPath = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const prefix = field(header, 345, 155);
    const path = longPath ?? (prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`);
    longPath = undefined;
    if (type !== '0' && type !== '\0') continue; // folders, links, the global pax header
    const inside = path.slice(path.indexOf('/') + 1);
    if (inside !== '') files.set(inside, Buffer.from(body));
  }
  return snapshotOf(files, gitBlobId);
}

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** The `path` record of a pax extended header: "<bytes> path=<value>\n" records. */
function paxPath(records: Buffer): string | undefined {
  for (let at = 0; at < records.length; ) {
    const space = records.indexOf(32, at);
    const length = Number(records.subarray(at, space).toString());
    if (space === -1 || !Number.isFinite(length) || length <= 0) return undefined;
    const record = records.subarray(space + 1, at + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return undefined;
}
