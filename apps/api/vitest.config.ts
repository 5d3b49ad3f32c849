import { packageTestConfig } from '../../vitest.shared.ts';

// --expose-gc lets the soak test measure memory after a collection, not between two.
export default packageTestConfig('api', { execArgv: ['--expose-gc'] });
