import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { decodeKey } from './config.ts';

/**
 * The key for secrets at rest: SWITCHBOARD_SECRET_KEY, else `<dataDir>/secret.key`, created once (0600).
 * Processes on other machines must be given the same key through the environment.
 */
export async function loadSecretKey(
  configured: string | null,
  dataDir: string,
  log: Logger,
): Promise<Buffer> {
  if (configured) return decodeKey(configured)!;
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = decodeKey((await readFile(file, 'utf8')).trim());
    if (!key)
      throw new Error(`${file} does not hold a 32-byte key; restore it or set SWITCHBOARD_SECRET_KEY`);
    return key;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err) => {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  log.warn(
    { file },
    'SWITCHBOARD_SECRET_KEY is not set: generated a key for secrets at rest; back it up, and give the same key to every process when scaling out',
  );
  return decodeKey((await readFile(file, 'utf8')).trim())!;
}
