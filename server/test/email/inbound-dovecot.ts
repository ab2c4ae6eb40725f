import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real IMAP server for tests: Debian's Dovecot (package dovecot-imapd; .ci/run installs it), started with a throwaway
 * configuration on a free loopback port, one passwd-file user and a Maildir in a temp directory. No npm package serves
 * IMAP well enough (IDLE, UIDVALIDITY, flags), so the receive path is tested against the server most mailboxes run.
 */
export class Dovecot {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    readonly user: string,
    readonly password: string,
  ) {}

  /** `withoutIdle`: the server does not announce IDLE (as some hosted mailboxes), so readers must poll. */
  static async start(
    user = 'support@shop.example',
    password = 'imap-secret',
    opts: { withoutIdle?: boolean } = {},
  ): Promise<Dovecot> {
    const binary = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));
    if (!binary)
      throw new Error('Dovecot is not installed: apt-get install -y dovecot-imapd (as .ci/run does)');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-dovecot-'));
    await chmod(dir, 0o755);
    const home = path.join(dir, 'home');
    await mkdir(home, { recursive: true });
    // The mail processes run as the mail user (nobody when we are root), which must be able to write the Maildir.
    await chmod(home, 0o777);
    await writeFile(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
    const port = await freePort();
    const group = root() ? '' : await groupName(os.userInfo().gid);
    await writeFile(path.join(dir, 'dovecot.conf'), config(dir, port, opts.withoutIdle === true, group));
    const proc = spawn(binary, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' });
    const server = new Dovecot(proc, dir, port, user, password);
    try {
      await server.waitListening();
    } catch (err) {
      const log = await readFile(path.join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      await server.stop();
      throw new Error(`Dovecot did not start: ${(err as Error).message}\n${log}`);
    }
    return server;
  }

  /** IMAP settings of the test user as an email channel stores them. */
  get imapSettings() {
    return { host: '127.0.0.1', port: this.port, secure: false, user: this.user, mailbox: 'INBOX' };
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async waitListening(): Promise<void> {
    const until = Date.now() + 15_000;
    for (;;) {
      if (this.proc.exitCode !== null) throw new Error(`exited with code ${this.proc.exitCode}`);
      if (await accepts(this.port)) return;
      if (Date.now() > until) throw new Error('not listening after 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function root(): boolean {
  return process.getuid?.() === 0;
}

/** The name of a group (Dovecot's settings take names), from /etc/group. */
async function groupName(gid: number): Promise<string> {
  const lines = (await readFile('/etc/group', 'utf8').catch(() => '')).split('\n');
  const found = lines.map((l) => l.split(':')).find((f) => f[2] === String(gid));
  return found?.[0] ?? os.userInfo().username;
}

function config(dir: string, port: number, withoutIdle: boolean, group: string): string {
  const me = os.userInfo();
  // As root Dovecot drops to its own users (created by the package) and the mail user is nobody; as anyone else it
  // runs everything as that user and group.
  const users = root()
    ? ''
    : `default_internal_user = ${me.username}\ndefault_login_user = ${me.username}\ndefault_internal_group = ${group}\n`;
  const uid = root() ? 65534 : me.uid;
  const gid = root() ? 65534 : me.gid;
  // Dovecot's own list minus IDLE (and the extensions that imply it).
  const capability = withoutIdle
    ? 'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT UIDPLUS LITERAL+ NAMESPACE UNSELECT CHILDREN\n'
    : '';
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
${users}${capability}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
