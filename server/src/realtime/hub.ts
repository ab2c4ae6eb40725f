import pg from 'pg';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Principal } from '../services/auth.service.ts';
import { can, type Permission } from '../services/permissions.ts';
import { REALTIME_CHANNEL, type RealtimeMessage, roomPermission } from './event-map.ts';

interface Client {
  socket: WebSocket;
  principal: Principal | null;
  /** The credential, re-checked on every heartbeat so logout, expiry, deactivation or revocation close the socket. */
  token: string | null;
  rooms: Set<string>;
  alive: boolean;
}

/** Tunables; tests shorten the timers. */
export interface RealtimeHubOptions {
  /** How often sockets are pinged; one that did not answer the previous ping is dropped. */
  heartbeatMs?: number;
  /** How long an unauthenticated socket may stay open. */
  authTimeoutMs?: number;
  /** Which permission guards a room (null: no such room). */
  roomPermission?: (room: string) => Permission | null;
}

/**
 * Holds this process's WebSockets and fans out events that arrive by LISTEN, whichever process raised them.
 * One dedicated connection listens; it reconnects with backoff if the database goes away.
 */
export class RealtimeHub {
  private readonly clients = new Set<Client>();
  private listener: pg.Client | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly authenticate: (token: string) => Promise<Principal | null>,
    private readonly log: Logger,
    private readonly opts: RealtimeHubOptions = {},
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    await this.listener?.end().catch(() => undefined);
  }

  /** Number of open sockets (for tests and metrics). */
  get size(): number {
    return this.clients.size;
  }

  /** attempt 0 is the start-up connection (which fails loudly); 1, 2, … are reconnects with backoff. */
  private async listen(attempt = 0): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'switchboard-realtime',
      // A silently dead peer (network gone) must end the connection so we reconnect.
      keepAlive: true,
    });
    let connected = false;
    client.on('notification', (n) => {
      if (n.channel !== REALTIME_CHANNEL || !n.payload) return;
      try {
        this.dispatch(JSON.parse(n.payload) as RealtimeMessage);
      } catch (err) {
        this.log.warn({ err }, 'bad realtime payload');
      }
    });
    const reconnect = () => {
      if (this.stopped || this.listener !== client) return;
      this.listener = null;
      // Back off while the database stays away; a connection that worked starts the count again.
      const next = connected ? 1 : attempt + 1;
      const delay = Math.min(30_000, 500 * 2 ** (next - 1));
      this.log.warn({ delay }, 'realtime listener lost its connection; reconnecting');
      setTimeout(() => void this.listen(next).catch(() => undefined), delay).unref();
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    try {
      await client.connect();
      await client.query(`listen ${REALTIME_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      if (attempt === 0) throw err;
      this.listener = client;
      return reconnect();
    }
    connected = true;
    this.listener = client;
    if (attempt > 0) this.log.info('realtime listener reconnected');
    // stop() ran while we were connecting.
    if (this.stopped) await client.end();
  }

  /** Sends an event to every socket in its room on this process. */
  dispatch(msg: RealtimeMessage): void {
    const text = JSON.stringify({ type: 'event', room: msg.room, event: msg.event, data: msg.data });
    for (const c of this.clients) {
      if (c.rooms.has(msg.room) && c.socket.readyState === c.socket.OPEN) c.socket.send(text);
    }
  }

  /**
   * Adopts a new socket. `principal` is set when the upgrade carried a valid token; `rejected` when it carried
   * an invalid one (closed at once with 4401, like a bad `auth` message).
   */
  accept(
    socket: WebSocket,
    principal: Principal | null,
    rejected = false,
    token: string | null = null,
  ): void {
    if (rejected) {
      socket.close(4401, 'invalid token');
      return;
    }
    const client: Client = {
      socket,
      principal,
      token: principal ? token : null,
      rooms: new Set(),
      alive: true,
    };
    this.clients.add(client);
    const send = (m: object) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
    if (principal) send({ type: 'ready', role: principal.role });
    const authTimer = principal
      ? null
      : setTimeout(() => socket.close(4401, 'authentication required'), this.opts.authTimeoutMs ?? 10_000);

    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => {
      if (authTimer) clearTimeout(authTimer);
      this.clients.delete(client);
    });
    // One message at a time: a `join` sent right behind `auth` must wait for the token check to finish.
    let queue: Promise<unknown> = Promise.resolve();
    socket.on('message', (raw) => {
      client.alive = true;
      queue = queue
        .then(() => this.handle(client, String(raw), send, authTimer))
        .catch((err) => {
          this.log.error({ err }, 'realtime message failed');
          send({ type: 'error', code: 'internal', message: 'could not handle the message' });
        });
    });
  }

  private async handle(
    client: Client,
    raw: string,
    send: (m: object) => unknown,
    authTimer: NodeJS.Timeout | null,
  ): Promise<unknown> {
    const { socket } = client;
    let msg: { type?: string; token?: string; room?: string };
    try {
      msg = JSON.parse(raw);
    } catch {
      return send({ type: 'error', code: 'bad_message', message: 'messages are JSON objects' });
    }
    if (msg === null || typeof msg !== 'object')
      return send({ type: 'error', code: 'bad_message', message: 'messages are JSON objects' });
    if (msg.type === 'auth' && typeof msg.token === 'string' && !client.principal) {
      client.principal = await this.authenticate(msg.token);
      if (!client.principal) return socket.close(4401, 'invalid token');
      client.token = msg.token;
      if (authTimer) clearTimeout(authTimer);
      return send({ type: 'ready', role: client.principal.role });
    }
    if (!client.principal)
      return send({ type: 'error', code: 'unauthorized', message: 'send {"type":"auth","token":…} first' });
    if (msg.type === 'ping') return send({ type: 'pong' });
    if ((msg.type === 'join' || msg.type === 'leave') && typeof msg.room === 'string') {
      const permission = (this.opts.roomPermission ?? roomPermission)(msg.room);
      if (!permission)
        return send({ type: 'error', code: 'unknown_room', room: msg.room, message: 'no such room' });
      if (msg.type === 'leave') {
        client.rooms.delete(msg.room);
        return send({ type: 'left', room: msg.room });
      }
      if (!can(client.principal.role, permission))
        return send({ type: 'error', code: 'forbidden', room: msg.room, message: 'not allowed' });
      client.rooms.add(msg.room);
      return send({ type: 'joined', room: msg.room });
    }
    return send({ type: 'error', code: 'bad_message', message: 'unknown message type' });
  }

  /** Drops sockets that did not answer the last ping (dead peers, sleeping laptops). */
  private beat(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.socket.terminate();
        this.clients.delete(c);
        continue;
      }
      c.alive = false;
      c.socket.ping();
      if (c.token) void this.recheck(c, c.token);
    }
  }

  /** Closes a socket whose credential stopped working; follows a role change by leaving rooms no longer allowed. */
  private async recheck(c: Client, token: string): Promise<void> {
    try {
      const principal = await this.authenticate(token);
      if (!principal) {
        c.socket.close(4401, 'session ended');
        return;
      }
      c.principal = principal;
      for (const room of c.rooms) {
        const permission = (this.opts.roomPermission ?? roomPermission)(room);
        if (!permission || !can(principal.role, permission)) c.rooms.delete(room);
      }
    } catch (err) {
      // A database hiccup is not a reason to drop the socket; the next beat checks again.
      this.log.debug({ err }, 'realtime credential re-check failed');
    }
  }
}
