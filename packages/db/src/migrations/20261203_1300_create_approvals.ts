import { type Kysely, sql } from 'kysely';

/**
 * Calls held for an approver's yes (toolkit policies' `approvalTools`). The stored arguments live
 * only while the call can still run: once it is denied, expires, runs or fails they are deleted,
 * and the schema refuses a finished approval that keeps them. The result is kept for whoever
 * asked. The audit rows of the request and of the run carry the approval's id, and so does the
 * decision's row in `audit_events` (as its target), with the approver's note.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  // Which tools wait for a yes, and who gives it; existing policies hold nothing back.
  await db.schema
    .alterTable('toolkit_policies')
    .addColumn('approval_tools', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('approve_roles', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{owner,admin}'`))
    .execute();
  await db.schema
    .alterTable('toolkit_policies')
    .addCheckConstraint(
      'toolkit_policies_approve_roles_check',
      sql`approve_roles <@ array['owner', 'admin', 'member', 'viewer']::text[]`,
    )
    .execute();

  await db.schema
    .createTable('approvals')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    // No foreign key: like the audit log, an approval outlives the people in it.
    .addColumn('requested_by', 'text', (col) => col.notNull())
    .addColumn('toolkit', 'text', (col) => col.notNull())
    .addColumn('tool', 'text', (col) => col.notNull())
    .addColumn('connected_account_id', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('arguments', 'jsonb')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('request_execution_id', 'uuid', (col) => col.notNull())
    .addColumn('execution_id', 'uuid')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('note', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('failure_reason', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addCheckConstraint(
      'approvals_status_check',
      sql`status in ('requested', 'approved', 'denied', 'expired', 'executed', 'failed')`,
    )
    .addCheckConstraint('approvals_channel_check', sql`channel in ('trpc', 'mcp')`)
    // Arguments are kept only while the call may still run.
    .addCheckConstraint(
      'approvals_arguments_check',
      sql`arguments is null or status in ('requested', 'approved')`,
    )
    .addCheckConstraint(
      'approvals_decided_check',
      sql`(decided_by is null) = (status in ('requested', 'expired'))
        and (decided_by is null) = (decided_at is null)`,
    )
    .addCheckConstraint('approvals_note_check', sql`note is null or length(note) <= 500`)
    .execute();
  // An organization's approvals by status, newest first (the approvers' list).
  await db.schema
    .createIndex('approvals_org_status_idx')
    .on('approvals')
    .columns(['org_id', 'status', 'created_at desc'])
    .execute();
  // One person's own requests.
  await db.schema
    .createIndex('approvals_requested_by_idx')
    .on('approvals')
    .columns(['requested_by', 'created_at desc'])
    .execute();

  // The request's and the run's audit rows name the approval (no foreign key: the log outlives it).
  await db.schema.alterTable('tool_executions').addColumn('approval_id', 'uuid').execute();
  await db.schema
    .createIndex('tool_executions_approval_id_idx')
    .on('tool_executions')
    .column('approval_id')
    .where(sql.ref('approval_id'), 'is not', null)
    .execute();
  // What an approver wrote when deciding.
  await db.schema.alterTable('audit_events').addColumn('note', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').dropColumn('note').execute();
  await db.schema.dropIndex('tool_executions_approval_id_idx').execute();
  await db.schema.alterTable('tool_executions').dropColumn('approval_id').execute();
  await db.schema.dropTable('approvals').execute();
  await db.schema
    .alterTable('toolkit_policies')
    .dropColumn('approve_roles')
    .dropColumn('approval_tools')
    .execute();
}
