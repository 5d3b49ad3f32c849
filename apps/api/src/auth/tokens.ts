import { createSecretKey } from 'node:crypto';
import { checkUserId, type UserId } from '@switchboard/identity';
import {
  createRemoteJWKSet,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

/** Dev mode's signing key when none is configured; dev mode is refused in production. */
const DEV_SECRET = 'switchboard-dev-mode-secret-do-not-use-in-production';

export interface TokenService {
  /** The verified subject of a bearer token, which must be a valid user id. */
  verify(token: string): Promise<UserId>;
  /** Mints an HS256 token (dev sign-in, tests, benchmarks); absent with a JWKS-only setup. */
  sign?(userId: UserId, options?: { expiresInSeconds?: number }): Promise<string>;
  /** Forgets the tokens verified so far. */
  clear(): void;
}

/** Verified tokens kept at most; the oldest are dropped first. */
const VERIFIED_MAX = 10_000;

/** A refused token's reason, saying which rule refused it when that helps the caller. */
function tokenError(error: unknown, maxAgeSeconds: number | undefined): AppError {
  if (error instanceof joseErrors.JWTExpired) {
    const message =
      error.claim === 'iat'
        ? `The bearer token was issued more than ${maxAgeSeconds} seconds ago (AUTH_MAX_TOKEN_AGE_SECONDS); sign in again`
        : 'The bearer token has expired';
    return new AppError('TOKEN_EXPIRED', message, { cause: error });
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iat') {
    return new AppError(
      'INVALID_TOKEN',
      error.reason === 'missing'
        ? 'The bearer token has no "iat" (issued at) claim, which AUTH_MAX_TOKEN_AGE_SECONDS requires'
        : 'The bearer token\'s "iat" (issued at) claim is in the future',
      { cause: error },
    );
  }
  return new AppError('INVALID_TOKEN', 'The bearer token is not valid', { cause: error });
}

export function createTokenService(config: Config, now: () => number = Date.now): TokenService {
  const secretText =
    config.AUTH_JWT_SECRET ?? (config.AUTH_MODE === 'dev' ? DEV_SECRET : undefined);
  // A KeyObject made once: given raw bytes, jose would import the key again on every verify.
  const secret = secretText ? createSecretKey(Buffer.from(secretText, 'utf8')) : undefined;
  // Verified tokens, until they expire: the same token arrives on every request of a session, and
  // verifying it again costs more than the rest of a cheap procedure. Expiry is checked against
  // `now`, so it holds whatever the cache keeps.
  const verified = new LRUCache<string, { userId: UserId; expiresAtMs: number }>({
    max: VERIFIED_MAX,
  });
  const jwks: JWTVerifyGetKey | undefined = config.AUTH_JWKS_URL
    ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
    : undefined;
  const maxAgeSeconds = config.AUTH_MAX_TOKEN_AGE_SECONDS || undefined;
  const verifyOptions = {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    clockTolerance: config.AUTH_CLOCK_SKEW_SECONDS,
    requiredClaims: ['sub', 'exp'],
    // A token's own `exp` may lie decades ahead; its age bounds how long a leaked one works.
    // With it set, jose also refuses a token without `iat`.
    ...(maxAgeSeconds === undefined ? {} : { maxTokenAge: maxAgeSeconds }),
  };

  async function verifyWithKey(token: string) {
    const options = { ...verifyOptions, currentDate: new Date(now()) };
    if (jwks) {
      return jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256', 'EdDSA'] });
    }
    if (secret) return jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
    throw new AppError('INTERNAL', 'No token verification key is configured');
  }

  const service: TokenService = {
    clear: () => verified.clear(),
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAtMs > now()) return known.userId;
      if (known) verified.delete(token);
      let subject: unknown;
      let expiresAtMs: number;
      try {
        const { payload } = await verifyWithKey(token);
        subject = payload.sub;
        // Cached until its expiry (or its maximum age) plus the tolerated skew: the moment
        // verification itself would start refusing it.
        const exp = payload.exp ?? 0;
        const until =
          maxAgeSeconds === undefined ? exp : Math.min(exp, (payload.iat ?? 0) + maxAgeSeconds);
        expiresAtMs = (until + config.AUTH_CLOCK_SKEW_SECONDS) * 1000;
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw tokenError(error, maxAgeSeconds);
      }
      const checked = checkUserId(subject);
      if (!checked.ok) {
        throw new AppError('INVALID_USER_ID', `The token's subject: ${checked.error.message}`, {
          details: { rule: checked.error.rule },
        });
      }
      verified.set(token, { userId: checked.value, expiresAtMs });
      return checked.value;
    },
  };
  if (secret) {
    service.sign = (userId, options = {}) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer(config.AUTH_ISSUER)
        .setAudience(config.AUTH_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${options.expiresInSeconds ?? 12 * 3600}s`)
        .sign(secret);
  }
  return service;
}
