import type { Http, HttpDeps } from '../server.ts';

/** Routes of notification-types (filled in by its feature). */
export async function notificationTypesRoutes(_app: Http, _deps: HttpDeps) {}
