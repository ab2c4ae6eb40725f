import WebSocket, { type ClientOptions } from 'ws';

/** A message from the realtime socket. */
export type Msg = { type: string; [k: string]: unknown };

/** A `ws` client for tests: buffers every message and waits for the ones a test expects. */
export class TestSocket {
  readonly messages: Msg[] = [];
  /** Settles when the server (or we) closed the socket. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.messages.push(JSON.parse(String(raw)) as Msg);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Opens a socket to `<httpAddress>/api/v1/realtime`, optionally with `?token=`. */
  static async open(httpAddress: string, token?: string, opts: ClientOptions = {}): Promise<TestSocket> {
    const url = `${httpAddress.replace(/^http/, 'ws')}/api/v1/realtime${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const ws = new WebSocket(url, opts);
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  send(msg: object): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The first message (already received or still to come) that matches. */
  async waitFor(match: (m: Msg) => boolean, timeoutMs = 10_000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching realtime message; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for a message of this type (and room, when given). */
  waitForType(type: string, room?: string, timeoutMs?: number): Promise<Msg> {
    return this.waitFor((m) => m.type === type && (room === undefined || m.room === room), timeoutMs);
  }

  /** Joins a room and waits for the answer (`joined` or an error). */
  async join(room: string): Promise<Msg> {
    this.send({ type: 'join', room });
    return this.waitFor((m) => m.room === room && (m.type === 'joined' || m.type === 'error'));
  }

  /**
   * Round-trips a ping: the server answers in order, so every event it sent this socket before
   * the pong has arrived once this resolves. Lets a test assert that something was NOT delivered.
   */
  async flush(): Promise<void> {
    const before = this.messages.filter((m) => m.type === 'pong').length;
    this.send({ type: 'ping' });
    await this.waitFor(() => this.messages.filter((m) => m.type === 'pong').length > before);
  }

  /** Events of one name received so far. */
  events(event: string): Msg[] {
    return this.messages.filter((m) => m.type === 'event' && m.event === event);
  }

  close(): void {
    this.ws.close();
  }
}
