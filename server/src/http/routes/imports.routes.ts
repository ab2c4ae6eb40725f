import type { Http, HttpDeps } from '../server.ts';

/** Contact CSV import and export (being written). */
export async function importRoutes(_app: Http, _deps: HttpDeps) {}
