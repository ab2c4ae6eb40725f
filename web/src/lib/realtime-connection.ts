/**
 * One realtime WebSocket (docs/api.md "Realtime"): authenticates with a first message (a token in the URL would land in
 * access logs), joins its rooms, pings, and reconnects with backoff. After every reconnect it calls `onResumed`, whose
 * job is the catch-up: events sent while the socket was away are lost by design.
 */
export interface RealtimeEvent {
  room: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads differ per event; handlers narrow them
  data: any;
  at?: string;
}

export type RealtimeStatus = 'connecting' | 'live' | 'reconnecting';

export interface RealtimeHandlers {
  onEvent(event: RealtimeEvent): void;
  onStatus(status: RealtimeStatus): void;
  onResumed(): void;
}

const PING_MS = 25_000;
const MAX_BACKOFF_MS = 15_000;

export class RealtimeConnection {
  private socket: WebSocket | null = null;
  private stopped = false;
  private everLive = false;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private readonly wake = () => {
    // Back from sleep or offline: do not wait for the backoff timer.
    if (!this.stopped && !this.socket) this.connectNow();
  };

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly rooms: readonly string[],
    private readonly handlers: RealtimeHandlers,
  ) {}

  start(): void {
    window.addEventListener('online', this.wake);
    document.addEventListener('visibilitychange', this.wake);
    this.connectNow();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.socket?.close();
    this.socket = null;
  }

  private connectNow(): void {
    clearTimeout(this.retryTimer);
    this.handlers.onStatus(this.everLive ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: this.token }));
    socket.onmessage = (msg) => this.receive(socket, String(msg.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      this.handlers.onStatus('reconnecting');
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempts);
      this.attempts += 1;
      this.retryTimer = setTimeout(() => this.connectNow(), delay);
    };
  }

  private receive(socket: WebSocket, raw: string): void {
    let msg: { type?: string } & Partial<RealtimeEvent>;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (msg.type === 'ready') {
      // Join first, then catch up: nothing that happens from now on can fall between the fetch and the stream.
      for (const room of this.rooms) socket.send(JSON.stringify({ type: 'join', room }));
      this.attempts = 0;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), PING_MS);
      this.handlers.onStatus('live');
      if (this.everLive) this.handlers.onResumed();
      this.everLive = true;
    } else if (msg.type === 'event' && msg.room && msg.event) {
      this.handlers.onEvent({ room: msg.room, event: msg.event, data: msg.data, at: msg.at });
    }
  }
}

/** The socket URL on this page's origin. */
export function realtimeUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/realtime`;
}
