const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** An ISO timestamp from the API (no transformer: dates travel as strings) for people. */
export function formatDate(iso: string, options: { seconds?: boolean } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (options.seconds ? dateTimeSeconds : dateTime).format(date);
}

/** `github` → `GitHub`; other slugs are capitalized. */
export function toolkitLabel(slug: string): string {
  const known: Record<string, string> = {
    github: 'GitHub',
    gmail: 'Gmail',
    slack: 'Slack',
    notion: 'Notion',
    googlecalendar: 'Google Calendar',
    google_calendar: 'Google Calendar',
  };
  return known[slug] ?? slug.charAt(0).toUpperCase() + slug.slice(1).replace(/[_-]+/g, ' ');
}

/** An account as people tell them apart: its label, else its upstream identity, else its id. */
export function accountName(account: {
  id: string;
  label: string | null;
  upstreamIdentity: string | null;
}): string {
  if (account.label && account.upstreamIdentity) {
    return `${account.label} (${account.upstreamIdentity})`;
  }
  return account.label ?? account.upstreamIdentity ?? account.id;
}

export function scopeLabel(
  scope: { kind: 'user' | 'org'; id: string },
  orgName?: (id: string) => string | undefined,
): string {
  return scope.kind === 'user' ? 'Personal' : (orgName?.(scope.id) ?? scope.id);
}
