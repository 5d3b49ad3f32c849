export interface CompleteConsentOptions {
  /** Default `approve`. */
  decision?: 'approve' | 'deny';
  /** The upstream identity to approve as; default the page's pre-selected suggestion. */
  identity?: string;
}

export interface ConsentResult {
  /** Status of the form submission: 302 with a callback, 200 without; 4xx when unusable. */
  status: number;
  /** The callback URL with `status` and `connected_account_id`, when redirected. */
  location: string | null;
}

/**
 * Plays the user on the consent page at `redirectUrl`, over real HTTP as a browser would: loads
 * the page, then submits its form. Does not follow the redirect to the callback.
 */
export async function completeConsent(
  redirectUrl: string,
  options: CompleteConsentOptions = {},
): Promise<ConsentResult> {
  const page = await fetch(redirectUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, location: null };

  const form = /<form\b[^>]*>/i.exec(html)?.[0] ?? '';
  const action = /\baction="([^"]*)"/i.exec(form)?.[1];
  const target = action ? new URL(decodeEntities(action), redirectUrl).toString() : redirectUrl;
  const selected =
    /<option value="([^"]*)" selected>/i.exec(html)?.[1] ??
    /<option value="([^"]*)"/i.exec(html)?.[1];

  const body = new URLSearchParams({ decision: options.decision ?? 'approve' });
  const identity =
    options.identity ?? (selected === undefined ? undefined : decodeEntities(selected));
  if (identity !== undefined) body.set('identity', identity);

  const submitted = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  await submitted.arrayBuffer();
  return { status: submitted.status, location: submitted.headers.get('location') };
}

function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}
