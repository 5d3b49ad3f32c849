/**
 * `pnpm db:migrate [latest|down|status]`: migrates the database at `DATABASE_URL`, or else the
 * PGlite database in `<repo>/.data/pglite` (the one `pnpm dev` uses), and prints what it did.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrlFromEnv } from '../config.js';
import { createDb } from '../create-db.js';
import { describeError } from '../errors.js';
import { migrateDown, migrateToLatest, migrationStatus } from '../migrate.js';

// src/cli/migrate.ts and dist/cli/migrate.js sit at the same depth below the repository root.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const COMMANDS = ['latest', 'down', 'status'] as const;
type Command = (typeof COMMANDS)[number];

async function main(command: Command): Promise<void> {
  const url = databaseUrlFromEnv();
  const dataDir = join(REPO_ROOT, '.data', 'pglite');
  const { db, close } = createDb(url === undefined ? { dataDir } : { url });
  console.log(`Database: ${url === undefined ? `PGlite in ${dataDir}` : redact(url)}`);
  try {
    if (command === 'status') {
      for (const { name, executedAt } of await migrationStatus(db)) {
        console.log(`  ${(executedAt?.toISOString() ?? 'pending').padEnd(24)}  ${name}`);
      }
      return;
    }
    const names = command === 'latest' ? await migrateToLatest(db) : await migrateDown(db);
    const verb = command === 'latest' ? 'Applied' : 'Reverted';
    if (names.length === 0) {
      console.log(command === 'latest' ? 'Already up to date.' : 'No migration to revert.');
    } else {
      console.log(`${verb} ${names.length} migration${names.length === 1 ? '' : 's'}:`);
      for (const name of names) console.log(`  ${name}`);
    }
  } finally {
    await close();
  }
}

/** The URL without its password, for the log. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const command = process.argv[2] ?? 'latest';
if (!COMMANDS.includes(command as Command)) {
  console.error(`Unknown command "${command}". Usage: db:migrate [${COMMANDS.join('|')}]`);
  process.exitCode = 2;
} else {
  await main(command as Command).catch((error: unknown) => {
    console.error(`Migration failed: ${describeError(error)}`);
    process.exitCode = 1;
  });
}
