import type { Http, HttpDeps } from '../server.ts';

/** Routes of notifications (filled in by its feature). */
export async function notificationsRoutes(_app: Http, _deps: HttpDeps) {}
