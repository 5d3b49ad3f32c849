import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('defaults to port 4010 with the controls on', () => {
    expect(readConfig({})).toStrictEqual({
      port: 4010,
      host: '127.0.0.1',
      apiKey: 'emulator-key',
      linkTtlMs: 600_000,
      logger: false,
      legacyInitiate: 'deprecated',
      controls: true,
    });
  });

  it('reads the variables', () => {
    expect(
      readConfig({
        EMULATOR_PORT: '0',
        EMULATOR_API_KEY: 'k',
        EMULATOR_PUBLIC_URL: 'http://emulator:4010',
        EMULATOR_LEGACY_INITIATE: 'retired',
        EMULATOR_STATE_FILE: '.data/emulator.json',
      }),
    ).toMatchObject({
      port: 0,
      apiKey: 'k',
      publicUrl: 'http://emulator:4010',
      legacyInitiate: 'retired',
      stateFile: '.data/emulator.json',
    });
  });

  it('fails naming the bad variable', () => {
    expect(() => readConfig({ EMULATOR_PORT: 'http' })).toThrow(
      "EMULATOR_PORT must be a non-negative integer, got 'http'",
    );
    expect(() => readConfig({ EMULATOR_PUBLIC_URL: 'emulator' })).toThrow('EMULATOR_PUBLIC_URL');
  });
});
