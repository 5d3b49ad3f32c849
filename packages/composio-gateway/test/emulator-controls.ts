/** Thin client for the emulator's `/_emulator/*` test controls (no API key, never faulted). */
import type { FaultSpec } from '@switchboard/composio-emulator';

export type { FaultSpec };

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number | null;
}

export interface EmulatorAccountView {
  id: string;
  user_id: string;
  toolkit: string;
  status: string;
  is_disabled: boolean;
  identity: string | null;
  access_token: string | null;
}

export function emulatorControls(baseUrl: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}/_emulator${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(
        `emulator control ${method} ${path}: ${response.status} ${await response.text()}`,
      );
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  return {
    reset: () => call<void>('POST', '/reset'),
    /** Requests to Composio's API (`/api/...`) since the last clear, oldest first. */
    async apiRequests(): Promise<LoggedRequest[]> {
      const { items } = await call<{ items: LoggedRequest[] }>('GET', '/requests');
      return items.filter((r) => r.path.startsWith('/api/'));
    },
    clearRequests: () => call<void>('DELETE', '/requests'),
    fault: (spec: FaultSpec) => call<{ id: string }>('POST', '/faults', spec),
    clearFaults: () => call<void>('DELETE', '/faults'),
    seedAccount: (input: { user_id: string; toolkit: string; identity: string; status?: string }) =>
      call<EmulatorAccountView>('POST', '/accounts', input),
    account: (id: string) => call<EmulatorAccountView>('GET', `/accounts/${id}`),
    expire: (id: string) => call<EmulatorAccountView>('POST', `/accounts/${id}/expire`),
    messages: async (query: Record<string, string> = {}) => {
      const qs = new URLSearchParams(query).toString();
      const { items } = await call<{ items: Array<{ accountId: string; identity: string }> }>(
        'GET',
        `/messages${qs ? `?${qs}` : ''}`,
      );
      return items;
    },
  };
}

export type EmulatorControls = ReturnType<typeof emulatorControls>;
