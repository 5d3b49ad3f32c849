/** The consent pages: plain HTML, no scripts, so a test can drive them with two requests. */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plug on a dark square: the emulator's tab icon (also served at `/favicon.ico`). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#1f2a44"/>' +
  '<path d="M12 6v6M20 6v6M9 12h14v4a7 7 0 0 1-14 0zM16 23v4" stroke="#7ee0b5" ' +
  'stroke-width="2.5" fill="none" stroke-linecap="round"/></svg>';

const FAVICON_LINK = `data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}`;

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f8;color:#1f2a44;margin:0;padding:3rem 1rem}
main{max-width:34rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 2px 12px #1f2a4422}
.emulator{margin:0 0 1rem;font-size:.85rem;color:#5b6478;display:flex;gap:.5rem;align-items:center}
.emulator b{background:#1f2a44;color:#7ee0b5;border-radius:4px;padding:.1rem .45rem;font-size:.75rem;letter-spacing:.04em}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
label{display:block;margin:.9rem 0 .3rem;font-weight:600}
select,input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;border:1px solid #c7ccd8;border-radius:6px}
button{font:inherit;margin-right:.5rem;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #1f2a44;cursor:pointer}
button[value=approve]{background:#1f2a44;color:#fff}button[value=deny]{background:#fff;color:#1f2a44}
small,code{color:#5b6478}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · Composio emulator</title>
<link rel="icon" href="${FAVICON_LINK}">
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="emulator"><b>EMULATOR</b> The local Composio emulator, not Composio: nothing here leaves this machine.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/**
 * Whose connection it is, in words: Switchboard gives an organization the Composio user id
 * `org_<id>`, anyone else their own id (which may not start with `org_`).
 */
export function scopeInWords(
  composioUserId: string,
  displayName?: string,
): { kind: 'organization' | 'person'; text: string } {
  const orgId = composioUserId.startsWith('org_') ? composioUserId.slice(4) : '';
  const kind = orgId === '' ? 'person' : 'organization';
  const name = displayName?.trim() || (kind === 'organization' ? orgId : composioUserId);
  return { kind, text: `${name} (${kind})` };
}

export interface ConsentPageInput {
  toolkitName: string;
  toolkitSlug: string;
  userId: string;
  /** The scope's display name from the host (`displayName` option), if any. */
  displayName?: string | undefined;
  accountId: string;
  alias: string | null;
  suggestions: string[];
  /** Pre-selected identity (the account's previous one when re-authorizing). */
  selected: string | null;
  expiresAt: string;
}

export function consentPage(input: ConsentPageInput): string {
  const options = [...new Set([...(input.selected ? [input.selected] : []), ...input.suggestions])]
    .map(
      (s) =>
        `<option value="${escapeHtml(s)}"${s === input.selected ? ' selected' : ''}>${escapeHtml(s)}</option>`,
    )
    .join('\n    ');
  const scope = scopeInWords(input.userId, input.displayName);
  return layout(
    `Connect ${input.toolkitName}`,
    `<p>The application asks to connect your <strong data-toolkit="${escapeHtml(input.toolkitSlug)}">${escapeHtml(input.toolkitName)}</strong> account
for <strong data-scope="${scope.kind}">${escapeHtml(scope.text)}</strong>${
      input.alias ? ` as <em>${escapeHtml(input.alias)}</em>` : ''
    }.</p>
<p><small>Composio user <code data-user-id="${escapeHtml(input.userId)}">${escapeHtml(input.userId)}</code>, connection <code>${escapeHtml(input.accountId)}</code>; this link expires at ${escapeHtml(input.expiresAt)}.</small></p>
<form method="post">
  <label for="identity">Sign in to ${escapeHtml(input.toolkitName)} as</label>
  <select id="identity" name="identity">
    ${options}
  </select>
  <label for="identity_custom">or another account</label>
  <input id="identity_custom" name="identity_custom" type="text" placeholder="someone@example.test">
  <p>
    <button type="submit" name="decision" value="approve">Approve</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </p>
</form>
`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<p>${escapeHtml(message)}</p>\n`);
}
