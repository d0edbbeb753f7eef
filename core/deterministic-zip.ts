import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a zip archive. A path ending in `/` is a directory and has no content. */
export interface ZipEntry {
  readonly path: string;
  readonly content?: string | Buffer;
}

// 1980-01-01 00:00:00, the earliest DOS timestamp: fixed so that the archive's bytes
// depend only on its entries, never on when or where it was built.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const UTF8_NAMES = 0x0800;
const VERSION = 20; // zip 2.0: enough for stored entries and directories
const MADE_BY_UNIX = (3 << 8) | VERSION;
const FILE_MODE = 0o100644;
const DIRECTORY_MODE = 0o040755;
const MSDOS_DIRECTORY = 0x10;

/**
 * Builds a zip archive whose bytes are a pure function of its entries (and, when compressing,
 * of the zlib version): entries sorted by path, fixed timestamps and permissions, no extra fields.
 * Placeholders are tiny and stored; layers are deflated.
 */
export function deterministicZip(entries: readonly ZipEntry[], options: { compress?: boolean } = {}): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;

  for (const entry of sorted) {
    if (seen.has(entry.path)) throw new Error(`zip entry "${entry.path}" appears twice`);
    seen.add(entry.path);
    const isDirectory = entry.path.endsWith('/');
    if (isDirectory && entry.content !== undefined) {
      throw new Error(`zip entry "${entry.path}" is a directory and cannot have content`);
    }
    const name = Buffer.from(entry.path, 'utf8');
    const data = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content);
    const crc = crc32(data);
    const deflate = options.compress === true && data.length > 0;
    const stored = deflate ? deflateRawSync(data, { level: 9 }) : data;
    const method = deflate ? 8 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, stored);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all zero
    const mode = isDirectory ? DIRECTORY_MODE : FILE_MODE;
    central.writeUInt32LE(((mode << 16) | (isDirectory ? MSDOS_DIRECTORY : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + stored.length;
  }

  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}

/**
 * The refusal of a tree entry that is neither a file nor a directory (a symbolic link, a socket, a
 * device): a zip of the tree would leave it out, or hold what it points to, which the tree does not.
 */
export function notFileOrDirectory(full: string): Error {
  const stat = fs.lstatSync(full);
  if (stat.isSymbolicLink()) {
    return new Error(
      `${full} is a symbolic link (to ${fs.readlinkSync(full)}): a package holds files and directories only; ` +
        'replace the link with the file or directory it points to, or remove it',
    );
  }
  return new Error(`${full} is neither a file nor a directory: a package holds files and directories only; remove it`);
}

/**
 * The files below `root` as zip entries under `prefix` (such as `python/`, or `''` for paths
 * relative to `root`), with their directories, in a stable order; Python caches are left out, as
 * they differ between builds. A symbolic link, or anything else that is neither a file nor a
 * directory, is refused ({@link notFileOrDirectory}), never left out unsaid.
 */
export function directoryEntries(root: string, prefix: string): ZipEntry[] {
  const entries: ZipEntry[] = prefix === '' ? [] : [{ path: prefix }];
  const walk = (dir: string, at: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === '__pycache__' || entry.name.endsWith('.pyc')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        entries.push({ path: `${at}${entry.name}/` });
        walk(full, `${at}${entry.name}/`);
      } else if (entry.isFile()) {
        entries.push({ path: `${at}${entry.name}`, content: fs.readFileSync(full) });
      } else {
        throw notFileOrDirectory(full);
      }
    }
  };
  walk(root, prefix);
  return entries;
}
