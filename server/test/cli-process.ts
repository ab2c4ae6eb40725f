import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and the CLI every child runs. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'bin/switchboard.mjs');

/** One parsed JSON log line (pino), or `{ text }` for anything else on stdout/stderr. */
export type LogLine = { level?: number; msg?: string; text?: string; [k: string]: unknown };

/** The environment a child starts from: ours minus anything that would configure Switchboard behind our back. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(SWITCHBOARD_|DATABASE_URL$|PORT$|HOST$|PUBLIC_URL$|LOG_LEVEL$|VITEST|NODE_OPTIONS$)/.test(k))
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** A `node bin/switchboard.mjs …` child with its log lines collected. */
export class CliProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        for (const p of parts) if (p.trim()) this.push(p);
      });
      stream?.on('end', () => rest.trim() && this.push(rest));
    }
    // 'close', not 'exit': by then every line of output has been read.
    this.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    this.exited.then(() => this.wake());
  }

  /** Spawns the CLI with these arguments and environment (on top of `baseEnv`). */
  static spawn(
    args: string[],
    env: Record<string, string>,
    opts: {
      input?: string /** Own process group, as a terminal gives a foreground job. */;
      group?: boolean;
    } = {},
  ): CliProcess {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: baseEnv(env),
      detached: opts.group ?? false,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    return new CliProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** All output as text (JSON lines included verbatim). */
  get output(): string {
    return this.lines.map((l) => l.text ?? JSON.stringify(l)).join('\n');
  }

  /** Log lines at error level or above. */
  get errors(): LogLine[] {
    return this.lines.filter((l) => (l.level ?? 0) >= 50);
  }

  private push(line: string): void {
    try {
      const parsed = JSON.parse(line) as unknown;
      this.lines.push(typeof parsed === 'object' && parsed ? (parsed as LogLine) : { text: line });
    } catch {
      this.lines.push({ text: line });
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for a line matching `match`; fails early (with the output) if the process exits first. */
  async waitFor(match: (l: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (exited || Date.now() > deadline)
        throw new Error(
          `${exited ? 'process exited' : 'timed out'} before the expected line; output:\n${this.output.slice(-4000)}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(500, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the "Switchboard <role> ready" line. */
  ready(timeoutMs?: number): Promise<LogLine> {
    return this.waitFor(
      (l) => typeof l.msg === 'string' && / ready\b/.test(l.msg) && 'readyMs' in l,
      timeoutMs,
    );
  }

  /** Sends `signal`, then SIGKILL if the process has not exited within `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000) {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const result = await this.exited;
      clearTimeout(timer);
      return result;
    }
    return this.exited;
  }
}
