/** The consent pages: plain HTML, no scripts, so a test can drive them with two requests. */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.75rem 0 .25rem}button{margin-right:.5rem;padding:.4rem 1rem}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

export interface ConsentPageInput {
  toolkitName: string;
  toolkitSlug: string;
  userId: string;
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
  return layout(
    `Connect ${input.toolkitName}`,
    `<p>The application asks to connect your <strong data-toolkit="${escapeHtml(input.toolkitSlug)}">${escapeHtml(input.toolkitName)}</strong> account
for user <code data-user-id="${escapeHtml(input.userId)}">${escapeHtml(input.userId)}</code>${
      input.alias ? ` as <em>${escapeHtml(input.alias)}</em>` : ''
    }.</p>
<p><small>Connection <code>${escapeHtml(input.accountId)}</code>; this link expires at ${escapeHtml(input.expiresAt)}.</small></p>
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
