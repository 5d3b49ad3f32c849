/**
 * @switchboard/api: the router's type for typed clients, and a small client other services use.
 * The server itself starts from main.ts.
 */

export { createSwitchboardClient, type SwitchboardClient } from './client.js';
export type { AppRouter } from './modules/app.router.js';
