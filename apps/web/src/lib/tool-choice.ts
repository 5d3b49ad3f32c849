/** A tool as a policy's allow or deny list offers it. */
export interface ToolOption {
  slug: string;
  name: string;
  /** False for a slug the policy names that the toolkit's catalog no longer lists. */
  inCatalog: boolean;
  checked: boolean;
}

/**
 * The tools to show in a policy's checklist: the toolkit's catalog, plus any slug the policy
 * already names that the catalog does not (a renamed or retired tool: shown, so saving does not
 * drop it silently), filtered by `search` on name and slug. Checked ones the search hides still
 * count: `selected` is the whole list.
 */
export function toolOptions(
  catalog: ReadonlyArray<{ slug: string; name: string }>,
  selected: readonly string[],
  search: string,
): ToolOption[] {
  const chosen = new Set(selected.map((slug) => slug.toUpperCase()));
  const known = new Set(catalog.map((tool) => tool.slug.toUpperCase()));
  const stray = [...chosen]
    .filter((slug) => !known.has(slug))
    .sort()
    .map((slug) => ({ slug, name: slug, inCatalog: false, checked: true }));
  const listed = catalog.map((tool) => ({
    slug: tool.slug,
    name: tool.name || tool.slug,
    inCatalog: true,
    checked: chosen.has(tool.slug.toUpperCase()),
  }));
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return [...stray, ...listed].filter((option) => {
    const haystack = `${option.name} ${option.slug}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** `selected` with `slug` ticked or unticked, without duplicates, in a stable order. */
export function toggleTool(selected: readonly string[], slug: string, on: boolean): string[] {
  const rest = selected.filter((s) => s.toUpperCase() !== slug.toUpperCase());
  return on ? [...rest, slug] : rest;
}
