import type { AppRouter } from '@switchboard/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

/** The typed hooks every page uses: `const trpc = useTRPC(); useQuery(trpc.me.get.queryOptions())`. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The client the console talks to Switchboard with. The API lives under `/trpc` on the page's own
 * origin (Vite proxies it in development; a reverse proxy does in production), and every request
 * carries the current bearer token, read at send time so signing in again needs no new client.
 */
export const API_PATH = '/trpc';

/** The API's address as the browser calls it, for messages such as "cannot reach …". */
export function apiUrl(): string {
  return new URL(API_PATH, window.location.origin).toString();
}

export function createApiClient(getToken: () => string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: API_PATH,
        headers() {
          const token = getToken();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}
