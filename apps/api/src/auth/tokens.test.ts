import { parseUserId } from '@switchboard/identity';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createTokenService } from './tokens.js';

describe('token service', () => {
  const config = testConfig({ AUTH_CLOCK_SKEW_SECONDS: '5' });

  it('verifies what it signs, and keeps answering from its cache until expiry plus skew', async () => {
    let clock = Date.now();
    const tokens = createTokenService(config, () => clock);
    const sign = tokens.sign;
    if (!sign) throw new Error('an HS256 secret is configured');
    const token = await sign(parseUserId('alice'), { expiresInSeconds: 60 });
    expect(await tokens.verify(token)).toBe('alice');
    expect(await tokens.verify(token)).toBe('alice');

    clock += 64_000;
    expect(await tokens.verify(token)).toBe('alice');
    clock += 2_000;
    const expired = await tokens.verify(token).catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(AppError);
    expect((expired as AppError).reason).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token signed with another secret, even after a valid one was cached', async () => {
    const tokens = createTokenService(config);
    const other = createTokenService(
      testConfig({ AUTH_JWT_SECRET: 'another-secret-another-secret-0123' }),
    );
    const forged = await other.sign?.(parseUserId('alice'));
    await tokens.verify((await tokens.sign?.(parseUserId('alice'))) ?? '');
    const refused = await tokens.verify(forged ?? '').catch((error: unknown) => error);
    expect((refused as AppError).reason).toBe('INVALID_TOKEN');
  });
});
