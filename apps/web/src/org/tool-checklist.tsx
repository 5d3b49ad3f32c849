import { useId, useState } from 'react';
import type { Tool } from '../api/types.ts';
import { ErrorNotice, Loading } from '../components/states.tsx';
import { toggleTool, toolOptions } from '../lib/tool-choice.ts';

/**
 * Tools picked from the toolkit's catalog (`tools.list`): a search box and a checkbox per tool,
 * instead of slugs typed from memory.
 */
export function ToolChecklist({
  legend,
  hint,
  catalog,
  selected,
  onChange,
}: {
  legend: string;
  hint?: string;
  catalog: { data: Tool[] | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  selected: string[];
  onChange: (next: string[]) => void;
}) {
  const [search, setSearch] = useState('');
  const searchId = useId();
  const options = toolOptions(catalog.data ?? [], selected, search);
  return (
    <fieldset className="tool-checklist">
      <legend>{legend}</legend>
      {hint ? <p className="hint">{hint}</p> : null}
      <div className="tool-checklist-bar">
        <label htmlFor={searchId} className="visually-hidden">
          Search the tools for “{legend}”
        </label>
        <input
          id={searchId}
          type="search"
          placeholder="Search tools"
          value={search}
          autoComplete="off"
          onChange={(event) => setSearch(event.target.value)}
        />
        <span className="muted small" aria-live="polite">
          {selected.length} selected
        </span>
        {selected.length > 0 ? (
          <button type="button" className="link-button" onClick={() => onChange([])}>
            Clear
          </button>
        ) : null}
      </div>
      {catalog.isPending ? <Loading label="Loading the toolkit’s tools…" /> : null}
      {catalog.error ? (
        <ErrorNotice error={catalog.error} onRetry={() => void catalog.refetch()} />
      ) : null}
      {catalog.data ? (
        options.length > 0 ? (
          <ul className="tool-checklist-items">
            {options.map((option) => (
              <li key={option.slug}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={option.checked}
                    onChange={(event) =>
                      onChange(toggleTool(selected, option.slug, event.target.checked))
                    }
                  />
                  <span>
                    {option.name} <code className="small muted">{option.slug}</code>
                    {option.inCatalog ? null : (
                      <span className="muted small"> (no longer in the catalog)</span>
                    )}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">No tool matches “{search}”.</p>
        )
      ) : null}
    </fieldset>
  );
}
