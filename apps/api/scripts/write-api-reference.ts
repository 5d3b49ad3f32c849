/** Writes docs/api.md from the router: `pnpm --filter @switchboard/api docs:api`. */
import { writeFileSync } from 'node:fs';
import { apiReferencePath, renderApiReference } from '../src/api-reference.js';
import { appRouter } from '../src/modules/app.router.js';

writeFileSync(apiReferencePath, renderApiReference(appRouter));
console.log(`wrote ${apiReferencePath}`);
