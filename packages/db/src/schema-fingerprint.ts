import { createHash } from 'node:crypto';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { migrations } from './migrations/index.js';

/**
 * A short hash of the SQL every migration's `up` sends, compiled against a driver that runs
 * nothing. It changes whenever a migration is added or edited, and only then: it hashes the SQL,
 * not the (transpiler-dependent) JavaScript, so `src` and `dist` agree.
 *
 * @internal Names the per-schema template databases the test helpers clone.
 */
export async function schemaFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  const recorder = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      hash.update(event.query.sql);
      hash.update(event.query.parameters.map(String).join('\u0000'));
    },
  });
  try {
    for (const name of Object.keys(migrations).sort()) {
      hash.update(name);
      await migrations[name]?.up(recorder);
    }
  } finally {
    await recorder.destroy();
  }
  return hash.digest('hex').slice(0, 16);
}
