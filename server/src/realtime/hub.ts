import pg from 'pg';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Principal } from '../services/auth.service.ts';
import { can } from '../services/permissions.ts';
import { REALTIME_CHANNEL, type RealtimeMessage, roomPermission } from './event-map.ts';

interface Client {
  socket: WebSocket;
  principal: Principal | null;
  rooms: Set<string>;
  alive: boolean;
}

const HEARTBEAT_MS = 30_000;
const AUTH_TIMEOUT_MS = 10_000;

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
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
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

  private async listen(attempt = 0): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'switchboard-realtime',
    });
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
      const delay = Math.min(30_000, 500 * 2 ** attempt);
      this.log.warn({ delay }, 'realtime listener lost its connection; reconnecting');
      setTimeout(() => void this.listen(attempt + 1).catch(() => undefined), delay).unref();
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    try {
      await client.connect();
      await client.query(`listen ${REALTIME_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      if (attempt === 0) throw err;
      this.listener = client;
      reconnect();
    }
  }

  /** Sends an event to every socket in its room on this process. */
  dispatch(msg: RealtimeMessage): void {
    const text = JSON.stringify({ type: 'event', room: msg.room, event: msg.event, data: msg.data });
    for (const c of this.clients) {
      if (c.rooms.has(msg.room) && c.socket.readyState === c.socket.OPEN) c.socket.send(text);
    }
  }

  /** Adopts a new socket; `principal` is set when the upgrade request carried a valid token. */
  accept(socket: WebSocket, principal: Principal | null): void {
    const client: Client = { socket, principal, rooms: new Set(), alive: true };
    this.clients.add(client);
    const send = (m: object) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
    if (principal) send({ type: 'ready', role: principal.role });
    const authTimer = principal
      ? null
      : setTimeout(() => socket.close(4401, 'authentication required'), AUTH_TIMEOUT_MS);

    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => {
      if (authTimer) clearTimeout(authTimer);
      this.clients.delete(client);
    });
    socket.on('message', async (raw) => {
      client.alive = true;
      let msg: { type?: string; token?: string; room?: string };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return send({ type: 'error', code: 'bad_message', message: 'messages are JSON objects' });
      }
      if (msg.type === 'auth' && typeof msg.token === 'string' && !client.principal) {
        client.principal = await this.authenticate(msg.token);
        if (!client.principal) return socket.close(4401, 'invalid token');
        if (authTimer) clearTimeout(authTimer);
        return send({ type: 'ready', role: client.principal.role });
      }
      if (!client.principal)
        return send({ type: 'error', code: 'unauthorized', message: 'send {"type":"auth","token":…} first' });
      if (msg.type === 'ping') return send({ type: 'pong' });
      if ((msg.type === 'join' || msg.type === 'leave') && typeof msg.room === 'string') {
        const permission = roomPermission(msg.room);
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
    });
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
    }
  }
}
