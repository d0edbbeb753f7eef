import { execFileSync } from 'node:child_process';

export interface ListedEntry {
  name: string;
  dateTime: number[];
  mode: number;
  content: string;
}

/**
 * Reads a zip with Python's zipfile, an implementation independent of ours, after its own
 * integrity check (CRC of every entry).
 */
export function readZip(bytes: Buffer): ListedEntry[] {
  const script = [
    'import io, json, sys, zipfile',
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
    'bad = z.testzip()',
    'assert bad is None, "corrupt entry: %s" % bad',
    'print(json.dumps([{"name": i.filename, "dateTime": list(i.date_time), "mode": i.external_attr >> 16,',
    '  "content": z.read(i).decode()} for i in z.infolist()]))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: bytes }).toString());
}
