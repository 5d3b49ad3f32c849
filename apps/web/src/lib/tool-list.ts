const TOOL_SLUG = /^[A-Z0-9_]{1,128}$/;

/** `GITHUB_GET_REPO, gmail_send_email` (commas or lines) → upper-case slugs, and the bad ones. */
export function parseToolList(text: string): { tools: string[]; invalid: string[] } {
  const items = text
    .split(/[\s,]+/)
    .map((item) => item.trim().toUpperCase())
    .filter((item) => item !== '');
  const unique = [...new Set(items)];
  return {
    tools: unique.filter((item) => TOOL_SLUG.test(item)),
    invalid: unique.filter((item) => !TOOL_SLUG.test(item)),
  };
}
