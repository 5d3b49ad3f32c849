import type { Harness } from './harness.js';

export interface RawResponse {
  status: number;
  body: unknown;
  text: string;
  reason: string | undefined;
}

/** Calls a procedure over plain HTTP, as any client could: GET for queries, POST for mutations. */
export async function rawCall(
  h: Harness,
  path: string,
  type: 'query' | 'mutation',
  input: unknown,
  token: string | undefined,
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let response: Response;
  if (type === 'query') {
    const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    response = await fetch(`${h.url}/trpc/${path}${query}`, { headers });
  } else {
    headers['content-type'] = 'application/json';
    response = await fetch(`${h.url}/trpc/${path}`, {
      method: 'POST',
      headers,
      body: input === undefined ? '' : JSON.stringify(input),
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const reason = (body as { error?: { data?: { reason?: string } } } | undefined)?.error?.data
    ?.reason;
  return { status: response.status, body, text, reason };
}
