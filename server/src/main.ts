import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type ProcessRole, startApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDatabase } from './db/database.ts';
import { startEmbeddedPostgres } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import type { Role } from './db/schema.ts';
import { createLogger } from './lib/logger.ts';
import { repositories } from './repositories/index.ts';
import { hashPassword } from './services/auth.service.ts';
import { ROLES } from './services/permissions.ts';

const USAGE = `Usage: switchboard <command>

  start                 HTTP API, realtime and job worker in one process (npm start)
  api                   HTTP API and realtime only
  worker                job worker only
  migrate               apply database migrations and exit
  create-user --email E --role R [--name N]
                        create a user; the password is prompted for, or read from stdin
`;

const COMMANDS = ['start', 'api', 'worker', 'migrate', 'create-user'];

/** The one CLI: process roles and admin commands. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    process.stderr.write(`Unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = createLogger(config.logLevel);

  if (command === 'start' || command === 'api' || command === 'worker') {
    const t0 = performance.now();
    // Listen for signals before starting: a SIGTERM during start-up waits for it, then stops cleanly.
    let stopping = false;
    let wake: () => void = () => undefined;
    const shutdown = (signal: string) => {
      if (stopping) {
        // A second Ctrl-C: give up waiting (the exit handler still stops an embedded Postgres).
        log.warn({ signal }, 'forced exit');
        process.exit(130);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      wake();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    const app = await startApp(config, { role: command as ProcessRole, log });
    log.info(
      {
        role: command,
        database: app.databaseUrl.replace(/:[^:@/]*@/, ':***@'),
        embedded: !config.databaseUrl,
        readyMs: Math.round(performance.now() - t0),
      },
      app.address
        ? `Switchboard ${command} ready on ${app.address} (public URL ${config.publicUrl}); API docs at ${config.publicUrl}/api/docs`
        : `Switchboard ${command} ready`,
    );
    if (!stopping) await new Promise<void>((resolve) => (wake = resolve));
    await app.stop();
    return 0;
  }

  if (command === 'migrate' || command === 'create-user') {
    // Arguments and password first: a typo should not wait for the database.
    const input = command === 'create-user' ? await userInput(rest) : null;
    if (typeof input === 'number') return input;
    const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir, log);
    const { pool, db } = createDatabase(config.databaseUrl ?? embedded!.url, 2);
    try {
      await migrate(pool, log);
      if (!input) return 0;
      return await createUser(input, repositories(db).users);
    } finally {
      await db.destroy();
      await embedded?.stop();
    }
  }
  throw new Error('unreachable');
}

type UserInput = { email: string; role: Role; name?: string; password: string };

/** Parses `create-user` arguments and reads the password; an exit code when they are unusable. */
async function userInput(args: string[]): Promise<UserInput | number> {
  let values: { email?: string; role?: string; name?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
    }));
  } catch (err) {
    process.stderr.write(`create-user: ${(err as Error).message}\n`);
    return 2;
  }
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) {
    process.stderr.write('create-user: --email must be an email address\n');
    return 2;
  }
  if (!values.role || !ROLES.includes(values.role as Role)) {
    process.stderr.write(`create-user: --role must be one of ${ROLES.join(', ')}\n`);
    return 2;
  }
  const password = await readPassword();
  if (password.length < 8) {
    process.stderr.write('create-user: the password must be at least 8 characters\n');
    return 2;
  }
  return { email: values.email, role: values.role as Role, name: values.name, password };
}

async function createUser(
  input: UserInput,
  users: ReturnType<typeof repositories>['users'],
): Promise<number> {
  if (await users.getByEmail(input.email)) {
    process.stderr.write(`create-user: a user with email ${input.email} exists\n`);
    return 1;
  }
  const user = await users.create({
    email: input.email.toLowerCase(),
    displayName: input.name ?? input.email.split('@')[0]!,
    passwordHash: await hashPassword(input.password),
    role: input.role,
  });
  process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
  return 0;
}

/** Prompts without echo on a terminal; reads the first line of stdin otherwise. */
async function readPassword(): Promise<string> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdin.isTTY ? process.stdout : undefined,
    terminal: process.stdin.isTTY,
  });
  if (process.stdin.isTTY) {
    process.stdout.write('Password: ');
    // Mute the echo of typed characters.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  }
  const line = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  if (process.stdin.isTTY) process.stdout.write('\n');
  return line.replace(/\r$/, '');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`switchboard: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
