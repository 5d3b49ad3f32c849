import type { AuditOutcome } from '../api/types.ts';

/** The outcomes of a tool run, in the order the filter offers them. */
export const OUTCOMES: Array<{ value: AuditOutcome; label: string }> = [
  { value: 'success', label: 'Succeeded' },
  { value: 'tool_error', label: 'Tool reported an error' },
  { value: 'error', label: 'Failed' },
  { value: 'denied', label: 'Denied' },
];

export const outcomeLabel = (outcome: AuditOutcome) =>
  OUTCOMES.find((o) => o.value === outcome)?.label ?? outcome;
