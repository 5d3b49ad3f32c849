import { packageTestConfig } from '../../vitest.shared.ts';

export default packageTestConfig('example-mcp-agent');
