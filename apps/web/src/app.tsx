import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import { explainFailure, isSessionFailure, toFailure } from './api/errors.ts';
import { createApiClient, TRPCProvider } from './api/trpc.ts';
import { SignInPage } from './pages/sign-in-page.tsx';
import { readInitialToken, type Session, SessionContext, storeToken } from './session/session.tsx';
import { Shell } from './shell.tsx';

/** Retry only what may pass on a second try: no answer at all, or a server-side failure. */
function shouldRetry(failureCount: number, error: unknown) {
  const { httpStatus } = toFailure(error);
  if (httpStatus !== null && httpStatus < 500) return false;
  return failureCount < 2;
}

export function App() {
  const [token, setToken] = useState(readInitialToken);
  const [notice, setNotice] = useState<string | null>(null);
  const tokenRef = useRef(token);
  tokenRef.current = token;

  const signOutRef = useRef<(notice?: string) => void>(() => undefined);
  const [queryClient] = useState(() => {
    // A refused token ends the session wherever it is noticed, with the reason on the sign-in page.
    const onError = (error: unknown) => {
      const failure = toFailure(error);
      if (isSessionFailure(failure)) signOutRef.current(explainFailure(failure).message);
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: { staleTime: 15_000, retry: shouldRetry },
        mutations: { retry: false },
      },
    });
  });
  const [trpcClient] = useState(() => createApiClient(() => tokenRef.current));

  const signIn = useCallback(
    (next: string) => {
      queryClient.clear();
      storeToken(next);
      tokenRef.current = next;
      setNotice(null);
      setToken(next);
    },
    [queryClient],
  );
  const signOut = useCallback(
    (why?: string) => {
      storeToken(null);
      tokenRef.current = null;
      setToken(null);
      setNotice(why ?? null);
      queryClient.clear();
    },
    [queryClient],
  );
  signOutRef.current = signOut;

  const session = useMemo<Session>(
    () => ({ token, notice, signIn, signOut }),
    [token, notice, signIn, signOut],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <SessionContext.Provider value={session}>
          {token ? <Shell key={token} /> : <SignInPage />}
        </SessionContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
