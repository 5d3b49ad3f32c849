import { z } from 'zod';
import {
  ACCOUNT_STATUSES,
  type AccountInfo,
  type AccountStatus,
  type LinkResult,
  type ToolDefinition,
  type Toolkit,
} from './gateway.js';

/*
 * The SDK validates most responses only loosely (on mismatch it logs and passes the object on), so
 * everything it returns is parsed again here, picking only the fields the gateway exposes. A
 * response that does not fit throws a ZodError, which the error mapping reports as
 * UPSTREAM_UNAVAILABLE (malformed response).
 */

const statusSchema = z.enum(ACCOUNT_STATUSES);
const record = z.record(z.string(), z.unknown());
const dateString = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');

/** A connected account as `@composio/core` returns it (camelCase, after its transform). */
const sdkAccountSchema = z.object({
  id: z.string().min(1),
  authConfig: z.object({ id: z.string().min(1) }),
  alias: z.string().nullish(),
  status: statusSchema,
  statusReason: z.string().nullish(),
  toolkit: z.object({ slug: z.string().min(1) }),
  isDisabled: z.boolean().nullish(),
  createdAt: dateString,
  updatedAt: dateString.nullish(),
  data: record.nullish(),
  state: z.object({ val: record.nullish() }).nullish(),
});

/** Keys that name the provider-side identity, in order of preference. */
const IDENTITY_KEYS = ['account_identity', 'email', 'login', 'username', 'user_email'] as const;
const MAX_IDENTITY_LENGTH = 320;

/**
 * Maps an SDK account to `AccountInfo`. Credentials (`state`, `data`, `params`) are read only for
 * the upstream identity and otherwise dropped.
 */
export function toAccountInfo(raw: unknown): AccountInfo {
  const a = sdkAccountSchema.parse(raw);
  const createdAt = new Date(a.createdAt);
  return {
    id: a.id,
    toolkit: a.toolkit.slug.toLowerCase(),
    authConfigId: a.authConfig.id,
    status: a.status,
    statusReason: a.statusReason ?? null,
    alias: a.alias ?? null,
    upstreamIdentity: upstreamIdentity(a.data ?? undefined, a.state?.val ?? undefined),
    disabled: a.isDisabled ?? a.status === 'INACTIVE',
    createdAt,
    updatedAt: a.updatedAt ? new Date(a.updatedAt) : createdAt,
  };
}

export function upstreamIdentity(
  data: Record<string, unknown> | undefined,
  stateVal: Record<string, unknown> | undefined,
): string | null {
  for (const key of IDENTITY_KEYS) {
    for (const source of [data, stateVal]) {
      const value = source?.[key];
      if (typeof value === 'string' && value.trim() !== '') {
        return value.trim().slice(0, MAX_IDENTITY_LENGTH);
      }
    }
  }
  return null;
}

/** A tool as `@composio/core` returns it (its `Tool` type). */
const sdkToolSchema = z.object({
  slug: z.string().min(1),
  name: z.string(),
  description: z.string().nullish(),
  inputParameters: record.nullish(),
  toolkit: z.object({ slug: z.string().min(1) }).nullish(),
  version: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
});

export function toToolDefinition(raw: unknown): ToolDefinition {
  const t = sdkToolSchema.parse(raw);
  return {
    slug: t.slug,
    name: t.name,
    description: t.description ?? '',
    toolkit: (t.toolkit?.slug ?? toolkitFromSlug(t.slug)).toLowerCase(),
    version: t.version && t.version !== 'latest' ? t.version : null,
    inputParameters: t.inputParameters ?? { type: 'object', properties: {} },
    tags: t.tags ?? [],
  };
}

/** `GITHUB_GET_REPO` → `github`; a fallback for definitions that omit their toolkit. */
function toolkitFromSlug(slug: string): string {
  return slug.split('_')[0] ?? slug;
}

/** Toolkit fields shared by `GET /toolkits` items (raw) and `toolkits.get(slug)` (SDK). */
const toolkitSchema = z.object({
  slug: z.string().min(1),
  name: z.string(),
  meta: z
    .object({
      description: z.string().nullish(),
      logo: z.string().nullish(),
      categories: z
        .array(
          z.object({
            name: z.string().nullish(),
            slug: z.string().nullish(),
            id: z.string().nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

export function toToolkit(raw: unknown): Toolkit {
  const t = toolkitSchema.parse(raw);
  const categories = (t.meta?.categories ?? [])
    .map((c) => c.name ?? c.slug ?? c.id)
    .filter((c): c is string => typeof c === 'string' && c !== '');
  return {
    slug: t.slug,
    name: t.name,
    description: t.meta?.description || null,
    logo: t.meta?.logo || null,
    categories,
  };
}

/** `GET /api/v3.1/toolkits` (raw client). */
export const toolkitListSchema = z.object({
  items: z.array(z.unknown()),
  next_cursor: z.string().nullish(),
});

/** `POST /api/v3.1/connected_accounts/link` (raw client); `link_token` is deliberately not kept. */
const linkResponseSchema = z.object({
  connected_account_id: z.string().min(1),
  redirect_url: z.string().min(1),
  expires_at: z.string().nullish(),
});

export function toLinkResult(raw: unknown): LinkResult {
  const r = linkResponseSchema.parse(raw);
  const expires = r.expires_at ? new Date(r.expires_at) : null;
  return {
    connectedAccountId: r.connected_account_id,
    redirectUrl: r.redirect_url,
    expiresAt: expires && !Number.isNaN(expires.getTime()) ? expires : null,
  };
}

/** `POST /api/v3.1/tools/execute/{slug}` (raw client). */
export const executeResponseSchema = z.object({
  data: record.nullish(),
  error: z.unknown().optional(),
  successful: z.boolean(),
  log_id: z.string().nullish(),
});

/** `POST /api/v3.1/connected_accounts/{id}/refresh`, returned raw by the SDK. */
const refreshResponseSchema = z.object({
  status: statusSchema,
  redirect_url: z.string().nullish(),
});

export function toRefreshResult(raw: unknown): {
  status: AccountStatus;
  redirectUrl: string | null;
} {
  const r = refreshResponseSchema.parse(raw);
  return { status: r.status, redirectUrl: r.redirect_url ?? null };
}

/** An auth config as the SDK returns it from `authConfigs.list/get`. */
export const sdkAuthConfigSchema = z.object({
  id: z.string().min(1),
  status: z.string().nullish(),
  toolkit: z.object({ slug: z.string().nullish() }).nullish(),
  isComposioManaged: z.boolean().nullish(),
});

export type SdkAuthConfig = z.infer<typeof sdkAuthConfigSchema>;

export const authConfigListSchema = z.object({
  items: z.array(sdkAuthConfigSchema),
  nextCursor: z.string().nullish(),
});

export const createdAuthConfigSchema = z.object({ id: z.string().min(1) });
