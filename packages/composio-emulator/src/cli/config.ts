import { DEFAULT_API_KEY, type EmulatorOptions } from '../emulator.js';

/** Reads the emulator's settings from the environment; fails fast naming the bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): EmulatorOptions {
  return {
    port: integer(env, 'EMULATOR_PORT', 4010),
    host: env.EMULATOR_HOST || '127.0.0.1',
    apiKey: env.EMULATOR_API_KEY || DEFAULT_API_KEY,
    linkTtlMs: integer(env, 'EMULATOR_LINK_TTL_MS', 600_000),
    ...(env.EMULATOR_PUBLIC_URL ? { publicUrl: url(env, 'EMULATOR_PUBLIC_URL') } : {}),
    logger: env.EMULATOR_LOG === '1' || env.EMULATOR_LOG === 'true',
    legacyInitiate: env.EMULATOR_LEGACY_INITIATE === 'retired' ? 'retired' : 'deprecated',
    ...(env.EMULATOR_STATE_FILE ? { stateFile: env.EMULATOR_STATE_FILE } : {}),
    controls: true,
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  }
  return n;
}

function url(env: NodeJS.ProcessEnv, name: string): string {
  const raw = env[name] ?? '';
  if (!URL.canParse(raw)) throw new Error(`${name} must be an absolute URL, got '${raw}'`);
  return raw;
}
