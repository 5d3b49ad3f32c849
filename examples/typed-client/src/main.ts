/**
 * Another team's service calling Switchboard with its typed client: sign in (dev mode), read who
 * one is, run a tool, and handle the refusals a caller should expect by their reason.
 * `pnpm --filter @switchboard/example-typed-client start` against `pnpm dev`.
 */
import {
  createSwitchboardClient,
  isSwitchboardError,
  type SwitchboardReason,
} from '@switchboard/api/client';

/** A dev-mode token for a seeded person (`AUTH_MODE=dev`; production tokens come from your IdP). */
export async function devToken(url: string, userId: string): Promise<string> {
  const response = await fetch(`${url}/trpc/dev.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const body = (await response.json()) as { result?: { data?: { token?: string } } };
  const token = body.result?.data?.token;
  if (!token) throw new Error(`dev.signIn at ${url} gave no token (is AUTH_MODE=dev?)`);
  return token;
}

/** What to tell a person for the refusals a tool call commonly meets. */
const ADVICE: Partial<Record<SwitchboardReason, string>> = {
  NO_CONNECTED_ACCOUNT: 'connect the toolkit first (connections.authorize)',
  AMBIGUOUS_ACCOUNT: 'pass connectedAccountId: several accounts could run it',
  WRONG_SCOPE: 'the toolkit lives in another scope: act in the organization (orgId)',
  ROLE_REQUIRED: 'your role in the organization does not allow it',
  RATE_LIMITED: 'slow down and retry after the given seconds',
};

export interface ExampleOptions {
  url: string;
  getToken: () => Promise<string>;
  log?: (line: string) => void;
}

export async function runExample({ url, getToken, log = console.log }: ExampleOptions) {
  const switchboard = createSwitchboardClient({ url, getToken });
  const me = await switchboard.me.get.query();
  log(
    `Signed in as ${me.user.displayName ?? me.user.id}; member of ${me.orgs.map((o) => `${o.name} (${o.role})`).join(', ') || 'no organization'}`,
  );
  try {
    const result = await switchboard.tools.execute.mutate({
      tool: 'GITHUB_LIST_REPOS',
      arguments: {},
    });
    log(
      `GITHUB_LIST_REPOS ran with ${result.connectedAccountId}: ${JSON.stringify(result.data).slice(0, 120)}`,
    );
    return { reason: null };
  } catch (error) {
    if (!isSwitchboardError(error)) throw error;
    // The reason is typed: a misspelt case does not compile.
    const { reason, details } = error.data;
    log(
      `Refused: ${reason} (${ADVICE[reason] ?? error.message})${details?.toolkit ? `; toolkit ${String(details.toolkit)}` : ''}`,
    );
    return { reason };
  }
}

if (import.meta.main) {
  // biome-ignore lint/style/noProcessEnv: an example's one setting.
  const url = process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:3000';
  await runExample({ url, getToken: () => devToken(url, 'bob') });
}
