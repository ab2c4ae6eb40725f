import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileNotFoundError, FileTooLargeError } from './file-storage.ts';
import { LocalFileStorage } from './local-file-storage.ts';
import { InvalidStorageKeyError, newStorageKey } from './storage-key.ts';

let dir: string;
let storage: LocalFileStorage;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-storage-'));
  storage = new LocalFileStorage(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = async (s: Readable) => Buffer.concat(await s.toArray());
/** A stream of `n` bytes in 64 KB chunks that fails after `failAfter` bytes when given. */
function bytes(n: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) return this.destroy(new Error('connection reset'));
      if (sent >= n) return this.push(null);
      const size = Math.min(65536, n - sent);
      sent += size;
      this.push(Buffer.alloc(size, sent % 251));
    },
  });
}

describe('LocalFileStorage', () => {
  it('stores bytes under a key and gives them back identical, with their size', async () => {
    const key = newStorageKey(new Date('2026-11-22T06:00:00Z'));
    expect(key).toMatch(/^2026\/11\/[0-9a-f-]{36}$/);
    const data = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    expect(await storage.put(key, Readable.from([data]))).toEqual({ size: 7 });
    expect(await read(await storage.get(key))).toEqual(data);
    expect(await storage.stat(key)).toEqual({ size: 7 });
    expect(await readFile(path.join(dir, key))).toEqual(data);
  });

  it('replaces an earlier object under the same key', async () => {
    await storage.put('a/b', Readable.from([Buffer.from('first version')]));
    await storage.put('a/b', Readable.from([Buffer.from('second')]));
    expect((await read(await storage.get('a/b'))).toString()).toBe('second');
  });

  it('refuses a stream over maxBytes and keeps nothing, not even the temporary file', async () => {
    await expect(storage.put('big/one', bytes(300_000), { maxBytes: 200_000 })).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    expect(await storage.stat('big/one')).toBeNull();
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
    // Exactly the limit is allowed.
    expect(await storage.put('big/two', bytes(200_000), { maxBytes: 200_000 })).toEqual({ size: 200_000 });
  });

  it('leaves the previous object intact when a replacing write breaks half-way', async () => {
    await storage.put('k/1', Readable.from([Buffer.from('whole')]));
    await expect(storage.put('k/1', bytes(500_000, 131_072))).rejects.toThrow('connection reset');
    expect((await read(await storage.get('k/1'))).toString()).toBe('whole');
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
  });

  it('answers missing objects: get throws FileNotFoundError, stat is null, delete is fine', async () => {
    await expect(storage.get('2026/01/nothing')).rejects.toBeInstanceOf(FileNotFoundError);
    expect(await storage.stat('2026/01/nothing')).toBeNull();
    await storage.delete('2026/01/nothing');
    await storage.put('2026/01/x', Readable.from([Buffer.from('x')]));
    await storage.delete('2026/01/x');
    expect(await storage.stat('2026/01/x')).toBeNull();
  });

  it.each([
    '../outside',
    'a/../../etc/passwd',
    '/etc/passwd',
    '',
    'a//b',
    'a/',
    '.tmp/x',
    'a/.hidden',
    'a\\b',
    'a b',
    'ключ',
    'a/b\0c',
    `${'x/'.repeat(8)}x`,
  ])('refuses the key %j everywhere', async (key) => {
    await expect(storage.put(key, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(
      InvalidStorageKeyError,
    );
    await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
  });
});
