import { useInfiniteQuery } from '@tanstack/react-query';

/**
 * A log read a page at a time, newest first, by cursor. Paged by hand rather than with tRPC's
 * `infiniteQueryOptions`: that helper adds a `direction` key to the input, which the audit
 * procedures' strict input schemas refuse. The key starts with tRPC's own, so invalidating
 * `trpc.audit` reaches it.
 */
export function usePagedLog<Page extends { nextCursor: string | null }>(
  queryKey: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<Page>,
) {
  return useInfiniteQuery({
    queryKey: [...queryKey, 'pages'],
    queryFn: ({ pageParam }) => fetchPage(pageParam ?? undefined),
    initialPageParam: null as string | null,
    getNextPageParam: (page: Page) => page.nextCursor,
  });
}
