import type { ReactNode } from 'react';

/**
 * A table cell that stacks as "label: value" on a phone (see `.table.responsive`): the value is
 * wrapped so it stays one grid item, and an empty cell renders empty so it can be hidden.
 */
export function Cell({ label, children }: { label: string; children?: ReactNode }) {
  return (
    <td data-label={label}>
      {children === null || children === undefined ? null : <div>{children}</div>}
    </td>
  );
}
