import type { IncomingHttpHeaders } from 'node:http';

/** One request an emulator answered, and the answer, as an observer sees it. */
export interface Exchange {
  method: string;
  /** Path and query string as received. */
  url: string;
  /** The route pattern that answered (`/api/v3.1/connected_accounts/:id`); null when none did. */
  route: string | null;
  requestHeaders: IncomingHttpHeaders;
  /** The parsed request body (JSON or form); undefined when there was none. */
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string | number | string[] | undefined>;
  /** The response body as sent (JSON or HTML text); empty when there was none. */
  body: string;
  /** The injected fault whose status and body these are; null when the emulator answered itself. */
  injectedFault: string | null;
}

export type ExchangeObserver = (exchange: Exchange) => void;

// Process-wide on purpose: a check such as the OpenAPI contract must see every emulator a test
// builds, including ones built by helpers and tests that know nothing of the check.
const observers = new Set<ExchangeObserver>();

/**
 * Calls `observer` with every exchange of every emulator in this process, synchronously as each
 * response is sent. Returns the function that stops it. Meant for test set-up; nothing is kept or
 * copied while no observer is registered.
 */
export function observeExchanges(observer: ExchangeObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

export function isObserved(): boolean {
  return observers.size > 0;
}

export function notifyExchange(exchange: Exchange): void {
  for (const observer of observers) observer(exchange);
}
