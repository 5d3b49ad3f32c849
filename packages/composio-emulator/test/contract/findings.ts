/** What the contract check keeps and writes: shared by the workers and the global setup. */
import type { Extra, Finding } from './check.js';

export interface Tally {
  responses: number;
  /** Requests held to the description too (see `requestChecked`). */
  requests: number;
  statuses: Record<string, number>;
}

export interface ExtraEntry extends Extra {
  count: number;
  test: string;
  file: string;
}

export interface FailureEntry extends Finding {
  test: string;
  file: string;
}

/** What one test file saw; merged by the global setup. */
export interface Part {
  file: string;
  operations: Record<string, Tally>;
  excluded: Record<string, number>;
  extras: ExtraEntry[];
  failures: FailureEntry[];
}

export function line(f: FailureEntry): string {
  return `  ${f.operation} → ${f.status}, ${f.side} ${f.field}: ${f.message}\n    in test: ${f.test}`;
}
