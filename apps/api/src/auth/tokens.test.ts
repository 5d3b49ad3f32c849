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

  it('stops accepting a token AUTH_MAX_TOKEN_AGE_SECONDS after its iat, even from its cache', async () => {
    let clock = Date.now();
    const tokens = createTokenService(
      testConfig({ AUTH_CLOCK_SKEW_SECONDS: '5', AUTH_MAX_TOKEN_AGE_SECONDS: '100' }),
      () => clock,
    );
    // Signed now (jose stamps iat from the real clock), valid for a day by its own exp.
    const token = (await tokens.sign?.(parseUserId('alice'), { expiresInSeconds: 86_400 })) ?? '';
    expect(await tokens.verify(token)).toBe('alice');
    clock += 104_000;
    expect(await tokens.verify(token)).toBe('alice');
    clock += 2_000;
    const tooOld = await tokens.verify(token).catch((error: unknown) => error);
    expect((tooOld as AppError).reason).toBe('TOKEN_EXPIRED');
    expect((tooOld as AppError).message).toContain('AUTH_MAX_TOKEN_AGE_SECONDS');
  });

  it('with AUTH_MAX_TOKEN_AGE_SECONDS=0 only exp counts', async () => {
    let clock = Date.now();
    const tokens = createTokenService(testConfig({ AUTH_MAX_TOKEN_AGE_SECONDS: '0' }), () => clock);
    const token =
      (await tokens.sign?.(parseUserId('alice'), { expiresInSeconds: 3 * 86_400 })) ?? '';
    clock += 2 * 86_400_000;
    expect(await tokens.verify(token)).toBe('alice');
  });
});
