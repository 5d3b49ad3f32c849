/**
 * The server's building blocks for tools that start Switchboard in-process: `pnpm dev`, the
 * web app's end-to-end tests and the benchmark. Services that only call the API use the client.
 */
export { buildApp } from './app.js';
export { type Config, loadConfig, loadDevConfig, testConfig } from './config.js';
export { registerTrpcRoute, type TrpcRouteOptions } from './platform/direct-trpc/trpc.route.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
export { DEMO_ORG, DEMO_USERS, seedDemo } from './seed.js';
