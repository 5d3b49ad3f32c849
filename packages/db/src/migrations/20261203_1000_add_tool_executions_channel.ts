import { type Kysely, sql } from 'kysely';

/**
 * Which transport an execution attempt came over: the tRPC API or the MCP endpoint. Rows written
 * before MCP existed all came over tRPC.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tool_executions')
    .addColumn('channel', 'text', (col) => col.notNull().defaultTo('trpc'))
    .execute();
  await db.schema
    .alterTable('tool_executions')
    .addCheckConstraint('tool_executions_channel_check', sql`channel in ('trpc', 'mcp')`)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tool_executions').dropColumn('channel').execute();
}
