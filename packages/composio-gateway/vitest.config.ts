import { contractCheck, packageTestConfig } from '../../vitest.shared.ts';

export default packageTestConfig('composio-gateway', { ...contractCheck });
