// The fake Bot API in a child process of its own (bench/fake-telegram-process.ts): Telegram is another machine, and a fake
// sharing the bench's event loop would stamp acceptance times late whenever the bench is busy.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface FakeProcess {
  apiRoot: string;
  /** Sends a command (addBot, enforce, report, stop) and waits for its answer. */
  rpc<T>(cmd: Record<string, unknown>): Promise<T>;
}

export async function startFakeProcess(): Promise<FakeProcess> {
  const child = fork(path.join(ROOT, 'bench/fake-telegram-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const answers = new Map<number, (result: unknown) => void>();
  child.on('message', (m: { id: number; result: unknown }) => answers.get(m.id)?.(m.result));
  let nextRpc = 1;
  const rpc = <T>(cmd: Record<string, unknown>): Promise<T> => {
    const id = nextRpc++;
    return new Promise<T>((resolve) => {
      answers.set(id, (r) => resolve(r as T));
      child.send({ id, ...cmd });
    });
  };
  const { apiRoot } = await new Promise<{ apiRoot: string }>((resolve) =>
    answers.set(0, (r) => resolve(r as { apiRoot: string })),
  );
  return { apiRoot, rpc };
}
