import pg from 'pg';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Principal } from '../services/auth.service.ts';
import { can, type Permission } from '../services/permissions.ts';
import type { Membership } from './conversation-scope.ts';
import { REALTIME_CHANNEL, type RealtimeMessage, roomPermission, VISIBILITY_ROOMS } from './event-map.ts';
import type { PresenceHooks } from './presence-tracker.ts';
import { mayJoinPersonalRoom, VisibilityFilter, viewerOf } from './visibility-filter.ts';

interface Client {
  socket: WebSocket;
  principal: Principal | null;
  /** The credential, re-checked on every heartbeat so logout, expiry, deactivation or revocation close the socket. */
  token: string | null;
  rooms: Set<string>;
  alive: boolean;
  /** Channel and team memberships for conversation visibility; loaded on joining a visibility room. */
  membership: Membership | null;
}

const NO_MEMBERSHIP: Membership = { channelIds: new Set(), teamIds: new Set() };

/** Tunables; tests shorten the timers. */
export interface RealtimeHubOptions {
  /** How often sockets are pinged; one that did not answer the previous ping is dropped. */
  heartbeatMs?: number;
  /** How long an unauthenticated socket may stay open. */
  authTimeoutMs?: number;
  /** Which permission guards a room (null: no such room). */
  roomPermission?: (room: string) => Permission | null;
  /** Told when a signed-in socket opens and when a socket closes (realtime/presence-tracker.ts). */
  presence?: PresenceHooks;
  /** A user's channel and team ids (conversation visibility of agents); app.ts reads them from the database. */
  membershipOf?: (userId: string) => Promise<Membership>;
  /** SSE conversation streams (realtime/conversation-stream.ts): keep-alive comment interval. */
  sseKeepAliveMs?: number;
  /** SSE conversation streams: how often the credential is re-checked. */
  sseRecheckMs?: number;
}

/**
 * Holds this process's WebSockets and fans out events that arrive by LISTEN, whichever process raised them.
 * One dedicated connection listens; it reconnects with backoff if the database goes away.
 */
export class RealtimeHub {
  private readonly clients = new Set<Client>();
  private readonly listeners = new Set<(msg: RealtimeMessage) => void>();
  private readonly visibility = new VisibilityFilter();
  private listener: pg.Client | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    readonly authenticate: (token: string) => Promise<Principal | null>,
    private readonly log: Logger,
    readonly opts: RealtimeHubOptions = {},
  ) {}

  /** Every event this process receives, before socket delivery (SSE streams); returns the unsubscribe function. */
  subscribe(listener: (msg: RealtimeMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A user's memberships (none for API keys or when no loader is configured). */
  membershipOf(principal: Principal): Promise<Membership> {
    if (principal.kind !== 'user' || !this.opts.membershipOf) return Promise.resolve(NO_MEMBERSHIP);
    return this.opts.membershipOf(principal.id);
  }

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

  /**
   * Sends an event to every socket in its room on this process; in a visibility room only to sockets whose
   * principal may see the conversation (decided from the payload's scope and cached memberships, no query).
   */
  dispatch(msg: RealtimeMessage): void {
    const text = JSON.stringify({
      type: 'event',
      room: msg.room,
      event: msg.event,
      data: msg.data,
      at: msg.at,
    });
    const scopes = this.visibility.scopesOf(msg);
    for (const c of this.clients) {
      if (!c.rooms.has(msg.room) || c.socket.readyState !== c.socket.OPEN || !c.principal) continue;
      if (this.visibility.allows(viewerOf(c.principal, c.membership), scopes)) c.socket.send(text);
    }
    if (msg.event === 'membership.changed') this.refreshMembership((msg.data as { userId: string }).userId);
    for (const listener of this.listeners) {
      try {
        listener(msg);
      } catch (err) {
        this.log.warn({ err }, 'realtime listener failed');
      }
    }
  }

  /** Reloads the memberships of one user's sockets (after `membership.changed`). */
  private refreshMembership(userId: string): void {
    for (const c of this.clients)
      if (c.principal?.kind === 'user' && c.principal.id === userId) void this.loadMembership(c);
  }

  private async loadMembership(c: Client): Promise<void> {
    try {
      if (c.principal) c.membership = await this.membershipOf(c.principal);
    } catch (err) {
      // Keep the previous memberships; the next heartbeat tries again.
      this.log.debug({ err }, 'realtime membership load failed');
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
      membership: null,
    };
    this.clients.add(client);
    const send = (m: object) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
    if (principal) send({ type: 'ready', role: principal.role });
    if (principal) this.opts.presence?.opened(socket, principal);
    const authTimer = principal
      ? null
      : setTimeout(() => socket.close(4401, 'authentication required'), this.opts.authTimeoutMs ?? 10_000);

    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => {
      if (authTimer) clearTimeout(authTimer);
      this.clients.delete(client);
      this.opts.presence?.closed(socket);
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
      this.opts.presence?.opened(socket, client.principal);
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
      if (!can(client.principal.role, permission) || !mayJoinPersonalRoom(client.principal, msg.room))
        return send({ type: 'error', code: 'forbidden', room: msg.room, message: 'not allowed' });
      if (VISIBILITY_ROOMS.has(msg.room) && !client.membership) await this.loadMembership(client);
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
      if (c.membership) await this.loadMembership(c);
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
