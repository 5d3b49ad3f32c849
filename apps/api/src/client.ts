import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from './modules/app.router.js';

export interface SwitchboardClientOptions {
  /** The API's base URL, e.g. https://switchboard.internal (the client appends /trpc). */
  url: string;
  /** Returns the caller's bearer token; called for every request, so tokens may rotate. */
  getToken: () => string | Promise<string>;
  fetch?: typeof globalThis.fetch;
}

/** A typed Switchboard client: `client.tools.execute.mutate({ tool, arguments, orgId })`. */
export function createSwitchboardClient(options: SwitchboardClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/$/, '')}/trpc`,
        async headers() {
          return { authorization: `Bearer ${await options.getToken()}` };
        },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

export type SwitchboardClient = ReturnType<typeof createSwitchboardClient>;
