import { createContext, useContext } from 'react';

const TOKEN_KEY = 'switchboard.token';

/**
 * The bearer token lives in sessionStorage: it survives the OAuth round trip and reloads of this
 * tab, and is gone when the tab closes. A token can also arrive in the URL fragment
 * (`#token=…`, as an identity provider's redirect would hand it over); it is stored and the
 * fragment removed at once, so it does not linger in the address bar or history.
 */
export function readInitialToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const received = fragment.get('token');
  if (received) {
    storeToken(received);
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
    return received;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage may be unavailable (private modes); the session then lasts as long as the page.
  }
}

export interface Session {
  token: string | null;
  /** Why the last session ended, shown on the sign-in page. */
  notice: string | null;
  signIn(token: string): void;
  signOut(notice?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionContext.Provider>');
  return session;
}
