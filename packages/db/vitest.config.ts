import { packageTestConfig } from '../../vitest.shared.ts';

// Starting PGlite from scratch (initdb) takes seconds; snapshots are built inside hooks and tests.
export default packageTestConfig('db', { hookTimeout: 60_000, testTimeout: 30_000 });
