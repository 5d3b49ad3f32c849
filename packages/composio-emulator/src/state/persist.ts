import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EmulatorState, StateSnapshot } from './store.js';

/** How long after a change the state is written; changes in between share one write. */
export const SAVE_DEBOUNCE_MS = 100;

/**
 * Loads `file` into `state` when it exists (a missing file is a first start). A file that
 * cannot be read as a snapshot fails the start, naming the file: starting empty would look
 * like every connection had been lost.
 */
export function loadStateFile(state: EmulatorState, file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Error(`composio-emulator: cannot read state file ${file}`, { cause: error });
  }
  try {
    state.restore(JSON.parse(text) as StateSnapshot);
  } catch (error) {
    throw new Error(`composio-emulator: ${file} is not an emulator state file`, {
      cause: error,
    });
  }
  return true;
}

export interface StateSaver {
  /** Writes the state soon (debounced). */
  schedule(): void;
  /** Writes now if a write is due, and waits for writes under way. */
  flush(): Promise<void>;
}

/**
 * Writes `state` to `file` after changes, debounced, each write atomic: the snapshot goes to a
 * temporary file beside it, then is renamed over it, so a crash leaves the old file or the new.
 */
export function createStateSaver(
  state: EmulatorState,
  file: string,
  onError: (error: unknown) => void,
  debounceMs = SAVE_DEBOUNCE_MS,
): StateSaver {
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const temporary = `${file}.${process.pid}.tmp`;

  const write = () => {
    timer = null;
    const text = JSON.stringify(state.snapshot());
    writing = writing
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(temporary, text);
        await rename(temporary, file);
      })
      .catch(onError);
  };

  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(write, debounceMs);
      timer.unref();
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        write();
      }
      await writing;
    },
  };
}
