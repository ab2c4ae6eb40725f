import type { Http, HttpDeps } from '../server.ts';

/** Routes of preferences (filled in by its feature). */
export async function preferencesRoutes(_app: Http, _deps: HttpDeps) {}
