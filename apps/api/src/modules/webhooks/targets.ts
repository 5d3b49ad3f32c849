import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../errors.js';

/**
 * Where webhooks may not go in production (server-side request forgery): loopback, private,
 * link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, unspecified and
 * IPv6's unique-local and link-local ranges.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (v4 or v6, v4-mapped included) is one webhooks may not reach. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return FORBIDDEN.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family === 6) return FORBIDDEN.check(address, 'ipv6');
  return true;
}

export interface TargetRules {
  /** Lifts the address rules (dev mode and tests: receivers run on loopback). */
  allowPrivate: boolean;
  /** Production: only https. */
  requireHttps: boolean;
}

/**
 * Checks a webhook URL when it is saved: http(s) only (https only in production), no
 * credentials in it, and no forbidden address written literally. Names resolve at delivery
 * time, where they are checked again (`guardedLookup`), so a name cannot be pointed elsewhere
 * after it was saved.
 */
export function checkTargetUrl(raw: string, rules: TargetRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('INVALID_WEBHOOK_URL', 'url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('INVALID_WEBHOOK_URL', 'url must be an http or https URL');
  }
  if (rules.requireHttps && url.protocol !== 'https:') {
    throw new AppError('INVALID_WEBHOOK_URL', 'url must be https');
  }
  if (url.username || url.password) {
    throw new AppError('INVALID_WEBHOOK_URL', 'url must not carry credentials');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!rules.allowPrivate) {
    if (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      (isIP(host) && isForbiddenAddress(host))
    ) {
      throw new AppError(
        'INVALID_WEBHOOK_URL',
        'url must not point at a loopback, private, link-local or metadata address',
      );
    }
  }
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for the HTTP agent that refuses forbidden addresses at connect time: the address
 * checked is the one the socket then connects to (no re-resolving in between).
 */
export function guardedLookup(rules: TargetRules) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, []);
      const allowed = rules.allowPrivate
        ? addresses
        : addresses.filter((entry) => !isForbiddenAddress(entry.address));
      if (allowed.length === 0) {
        const refused = new Error(
          `${hostname} resolves only to forbidden addresses`,
        ) as NodeJS.ErrnoException;
        refused.code = 'TARGET_FORBIDDEN';
        return callback(refused, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      const first = allowed[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}
