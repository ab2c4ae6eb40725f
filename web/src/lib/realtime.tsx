import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import {
  RealtimeConnection,
  type RealtimeEvent,
  type RealtimeStatus,
  realtimeUrl,
} from './realtime-connection.ts';

/** What a feature listens to: live events, and the moment a reconnect asks for a catch-up. */
export interface RealtimeListener {
  onEvent?(event: RealtimeEvent): void;
  onResumed?(): void;
}

interface RealtimeContextValue {
  status: RealtimeStatus;
  subscribe(listener: RealtimeListener): () => void;
}

const RealtimeContext = createContext<RealtimeContextValue | null>(null);

/** Keeps one socket for the signed-in session; features subscribe and patch or invalidate their queries. */
export function RealtimeProvider({
  token,
  rooms,
  children,
}: {
  token: string;
  rooms: string[];
  children: ReactNode;
}) {
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const listeners = useRef(new Set<RealtimeListener>());
  const roomKey = rooms.join(',');
  useEffect(() => {
    const connection = new RealtimeConnection(realtimeUrl(), token, roomKey.split(','), {
      onEvent: (e) => {
        for (const l of listeners.current) l.onEvent?.(e);
      },
      onResumed: () => {
        for (const l of listeners.current) l.onResumed?.();
      },
      onStatus: setStatus,
    });
    connection.start();
    return () => connection.stop();
  }, [token, roomKey]);
  const subscribe = useCallback((listener: RealtimeListener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo(() => ({ status, subscribe }), [status, subscribe]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

/** The socket's state, for the "live / reconnecting" indicator. */
export function useRealtimeStatus(): RealtimeStatus {
  return useContext(RealtimeContext)?.status ?? 'connecting';
}

/** Listens for the component's lifetime; the latest callbacks are always the ones called. */
export function useRealtime(listener: RealtimeListener): void {
  const subscribe = useContext(RealtimeContext)?.subscribe;
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    if (!subscribe) return;
    return subscribe({
      onEvent: (e) => latest.current.onEvent?.(e),
      onResumed: () => latest.current.onResumed?.(),
    });
  }, [subscribe]);
}
