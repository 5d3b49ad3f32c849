import { checkUserId, type UserId } from '@switchboard/identity';
import {
  createRemoteJWKSet,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

/** Dev mode's signing key when none is configured; dev mode is refused in production. */
const DEV_SECRET = 'switchboard-dev-mode-secret-do-not-use-in-production';

export interface TokenService {
  /** The verified subject of a bearer token, which must be a valid user id. */
  verify(token: string): Promise<UserId>;
  /** Mints an HS256 token (dev sign-in, tests, benchmarks); absent with a JWKS-only setup. */
  sign?(userId: UserId, options?: { expiresInSeconds?: number }): Promise<string>;
}

export function createTokenService(config: Config): TokenService {
  const secretText =
    config.AUTH_JWT_SECRET ?? (config.AUTH_MODE === 'dev' ? DEV_SECRET : undefined);
  const secret = secretText ? new TextEncoder().encode(secretText) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.AUTH_JWKS_URL
    ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
    : undefined;
  const verifyOptions = {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    clockTolerance: config.AUTH_CLOCK_SKEW_SECONDS,
    requiredClaims: ['sub', 'exp'],
  };

  async function verifyWithKey(token: string) {
    if (jwks) {
      return jwtVerify(token, jwks, { ...verifyOptions, algorithms: ['RS256', 'ES256', 'EdDSA'] });
    }
    if (secret) return jwtVerify(token, secret, { ...verifyOptions, algorithms: ['HS256'] });
    throw new AppError('INTERNAL', 'No token verification key is configured');
  }

  const service: TokenService = {
    async verify(token) {
      let subject: unknown;
      try {
        subject = (await verifyWithKey(token)).payload.sub;
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof joseErrors.JWTExpired) {
          throw new AppError('TOKEN_EXPIRED', 'The bearer token has expired', { cause: error });
        }
        throw new AppError('INVALID_TOKEN', 'The bearer token is not valid', { cause: error });
      }
      const checked = checkUserId(subject);
      if (!checked.ok) {
        throw new AppError('INVALID_USER_ID', `The token's subject: ${checked.error.message}`, {
          details: { rule: checked.error.rule },
        });
      }
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
