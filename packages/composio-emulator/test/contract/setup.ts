// A vitest setup file (see `contractCheck` in vitest.shared.ts): runs in every test file.
import { beforeAll } from 'vitest';
import { loadDescription } from './openapi.js';
import { installContractCheck } from './recorder.js';

// Preparing the 2 MB description takes a while on a loaded machine; done inside the first
// exchange it held up the emulator's answer, on the event loop the code under test shares, past
// that code's own timeouts. Here it is paid before the file's tests and their hooks.
beforeAll(() => {
  loadDescription();
}, 60_000);

installContractCheck();
