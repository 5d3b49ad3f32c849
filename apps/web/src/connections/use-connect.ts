import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api/trpc.ts';

/**
 * Where the API sends the browser back after the consent page: a page of this console (the API
 * refuses any other origin), keeping the query that restores the page's state.
 */
export function returnUrl(pathAndQuery: string): string {
  return new URL(pathAndQuery, window.location.origin).toString();
}

/**
 * Starts the real redirect flow: `connections.authorize` (or `reconnect`) returns the consent
 * page's URL and the browser goes there; the API's callback brings it back with `request_id`.
 */
export function useStartConnect() {
  const trpc = useTRPC();
  return useMutation(
    trpc.connections.authorize.mutationOptions({
      onSuccess: ({ redirectUrl }) => window.location.assign(redirectUrl),
    }),
  );
}

export function useReconnect() {
  const trpc = useTRPC();
  return useMutation(
    trpc.connections.reconnect.mutationOptions({
      onSuccess: ({ redirectUrl }) => window.location.assign(redirectUrl),
    }),
  );
}

/** After any change to accounts, every list of them is refetched. */
export function useInvalidateConnections() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.connections.pathFilter());
}
