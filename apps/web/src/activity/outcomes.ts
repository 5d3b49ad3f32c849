import type { AuditOutcome } from '../api/types.ts';

/** The outcomes of a tool run, in the order the filter offers them. */
export const OUTCOMES: Array<{ value: AuditOutcome; label: string }> = [
  { value: 'success', label: 'Succeeded' },
  { value: 'tool_error', label: 'Tool reported an error' },
  { value: 'error', label: 'Failed' },
  { value: 'denied', label: 'Denied' },
  { value: 'pending', label: 'Running' },
  { value: 'unknown', label: 'Outcome unknown' },
];

export const outcomeLabel = (outcome: AuditOutcome) =>
  OUTCOMES.find((o) => o.value === outcome)?.label ?? outcome;

/** What a run's outcome means, where the label alone does not say it. */
const NOTES: Partial<Record<AuditOutcome, string>> = {
  pending: 'Composio is running this call now; the outcome appears once it answers.',
  unknown:
    'Switchboard stopped while Composio was running this call, so whether it ran is not known. Check the account (a sent message, a created issue) before running it again.',
};

export const outcomeNote = (outcome: AuditOutcome): string | undefined => NOTES[outcome];
