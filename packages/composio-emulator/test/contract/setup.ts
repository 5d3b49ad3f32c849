// A vitest setup file (see `contractCheck` in vitest.shared.ts): runs in every test file.
import { installContractCheck } from './recorder.js';

installContractCheck();
