// A vitest setup file (see `contractCheck` in vitest.shared.ts): runs in every test file.
import { beforeAll } from 'vitest';
import { compileValidators, loadDescription } from './openapi.js';
import { installContractCheck } from './recorder.js';

// Preparing the 2 MB description and compiling its validators take seconds on a loaded machine;
// done inside an exchange they held up the emulator's answer, on the event loop the code under
// test shares, past that code's own timeouts. Here they are paid before the file's tests.
beforeAll(() => {
  compileValidators(loadDescription());
}, 120_000);

installContractCheck();
