/**
 * Presence timing shared by the api processes (which write user_presence) and everything that reads it.
 * Each api process refreshes its rows every PRESENCE_HEARTBEAT_MS; a row older than PRESENCE_STALE_SECONDS belongs to a
 * process that died or froze and counts for nothing (three missed heartbeats: a live process is never taken for dead).
 */
export const PRESENCE_HEARTBEAT_MS = 20_000;
export const PRESENCE_STALE_SECONDS = 60;
