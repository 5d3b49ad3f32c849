import { fileURLToPath } from 'node:url';

/** apps/web, its built bundle, and where the e2e tests leave their screenshots (CI artifacts). */
export const webDir = fileURLToPath(new URL('../../', import.meta.url));
export const distDir = fileURLToPath(new URL('../../dist/', import.meta.url));
export const artifactsDir = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** The repository's root. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
