import { lowestRole, ROLES, roleAtLeast } from '@switchboard/identity';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import type { OrgMembership, Policy, Role } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { Empty, ErrorNotice, Loading } from '../components/states.tsx';
import { formatDate, toolkitLabel } from '../lib/format.ts';
import { ToolChecklist } from './tool-checklist.tsx';

const minimum = (roles: readonly Role[], fallback: Role): Role => lowestRole(roles) ?? fallback;

function RoleMinimum({
  label,
  value,
  onChange,
}: {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as Role)}>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role === 'owner' ? 'owner only' : `${role} and above`}
          </option>
        ))}
      </select>
    </div>
  );
}

function PolicyEditor({
  orgId,
  policy,
  toolkitChoices,
  onDone,
}: {
  orgId: string;
  policy: Policy | null;
  toolkitChoices: Array<{ slug: string; name: string }>;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [toolkit, setToolkit] = useState(policy?.toolkit ?? toolkitChoices[0]?.slug ?? '');
  const [scope, setScope] = useState<'org' | 'user'>(policy?.scope ?? 'org');
  const [connectMin, setConnectMin] = useState<Role>(minimum(policy?.connectRoles ?? [], 'admin'));
  const [executeMin, setExecuteMin] = useState<Role>(minimum(policy?.executeRoles ?? [], 'member'));
  const [restrict, setRestrict] = useState(policy?.allowTools != null);
  const [allowTools, setAllowTools] = useState<string[]>(policy?.allowTools ?? []);
  const [denyTools, setDenyTools] = useState<string[]>(policy?.denyTools ?? []);
  const [explicit, setExplicit] = useState(policy?.requireExplicitSelection ?? false);
  const [approvalTools, setApprovalTools] = useState<string[]>(policy?.approvalTools ?? []);
  const [approveMin, setApproveMin] = useState<Role>(minimum(policy?.approveRoles ?? [], 'admin'));
  const [problem, setProblem] = useState<string | null>(null);
  const ids = {
    toolkit: useId(),
    allow: useId(),
    explicit: useId(),
    scope: useId(),
  };
  // The toolkit's catalog, for the allow and deny lists.
  const catalog = useQuery(
    trpc.tools.list.queryOptions(toolkit ? { orgId, toolkits: [toolkit], limit: 200 } : skipToken),
  );
  const pickToolkit = (next: string) => {
    setToolkit(next);
    // Another toolkit's tools mean nothing here.
    setAllowTools([]);
    setDenyTools([]);
    setApprovalTools([]);
  };
  const save = useMutation(
    trpc.policies.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.policies.list.queryFilter({ orgId }));
        // Routing changed: tools and accounts are listed in other scopes now.
        await queryClient.invalidateQueries(trpc.tools.pathFilter());
        onDone();
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!toolkit) return setProblem('Choose a toolkit.');
    if (restrict && allowTools.length === 0) {
      return setProblem('Choose at least one tool to allow, or allow every tool of the toolkit.');
    }
    setProblem(null);
    save.mutate({
      orgId,
      toolkit,
      scope,
      // Roles gate the organization's own accounts only; a personal toolkit just routes.
      ...(scope === 'org'
        ? {
            connectRoles: [connectMin],
            executeRoles: [executeMin],
            approvalTools,
            approveRoles: [approveMin],
          }
        : {}),
      allowTools: restrict ? allowTools : null,
      denyTools,
      requireExplicitSelection: explicit,
    });
  };

  const title = policy ? `Policy for ${toolkitLabel(policy.toolkit)}` : 'New toolkit policy';
  return (
    <form className="policy-editor card" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      {policy ? null : (
        <div className="field">
          <label htmlFor={ids.toolkit}>Toolkit</label>
          <select
            id={ids.toolkit}
            value={toolkit}
            onChange={(event) => pickToolkit(event.target.value)}
          >
            {toolkitChoices.map((choice) => (
              <option key={choice.slug} value={choice.slug}>
                {choice.name || toolkitLabel(choice.slug)}
              </option>
            ))}
          </select>
        </div>
      )}
      <fieldset>
        <legend>Whose accounts are used</legend>
        <label className="radio">
          <input
            type="radio"
            name={ids.scope}
            checked={scope === 'org'}
            onChange={() => setScope('org')}
          />
          The organization’s (one shared set of accounts)
        </label>
        <label className="radio">
          <input
            type="radio"
            name={ids.scope}
            checked={scope === 'user'}
            onChange={() => setScope('user')}
          />
          Each person’s own
        </label>
      </fieldset>
      {scope === 'org' ? (
        <div className="row">
          <RoleMinimum
            label="Who may connect accounts"
            value={connectMin}
            onChange={setConnectMin}
          />
          <RoleMinimum label="Who may run tools" value={executeMin} onChange={setExecuteMin} />
        </div>
      ) : (
        <p className="muted small" data-testid="personal-roles">
          Everyone connects and runs {toolkit ? toolkitLabel(toolkit) : 'this toolkit'} with their
          own accounts, so roles do not apply; the tool lists and the account choice still do.
        </p>
      )}
      <fieldset>
        <legend>Allowed tools</legend>
        <label className="radio">
          <input
            type="radio"
            name={ids.allow}
            checked={!restrict}
            onChange={() => setRestrict(false)}
          />
          Every tool of the toolkit
        </label>
        <label className="radio">
          <input
            type="radio"
            name={ids.allow}
            checked={restrict}
            onChange={() => setRestrict(true)}
          />
          Only the tools chosen below
        </label>
        {restrict ? (
          <ToolChecklist
            legend="Tools to allow"
            catalog={catalog}
            selected={allowTools}
            onChange={setAllowTools}
          />
        ) : null}
      </fieldset>
      <ToolChecklist
        legend="Tools to deny"
        hint="Never allowed, whatever the list above says."
        catalog={catalog}
        selected={denyTools}
        onChange={setDenyTools}
      />
      {scope === 'org' ? (
        <>
          <ToolChecklist
            legend="Tools that need an approver’s yes"
            hint="Run with the organization’s accounts by anyone who may not approve, they wait on the Approvals page until an approver approves (then run once) or denies them."
            catalog={catalog}
            selected={approvalTools}
            onChange={setApprovalTools}
          />
          <RoleMinimum
            label="Who may approve (and run those tools without asking)"
            value={approveMin}
            onChange={setApproveMin}
          />
        </>
      ) : null}
      <label className="checkbox" htmlFor={ids.explicit}>
        <input
          id={ids.explicit}
          type="checkbox"
          checked={explicit}
          onChange={(event) => setExplicit(event.target.checked)}
        />
        Require choosing an account when several are connected
      </label>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {save.isError ? <ErrorNotice error={save.error} /> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save policy'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const rolesText = (roles: readonly Role[]) => {
  const lowest = lowestRole(roles);
  if (lowest === null) return 'nobody';
  return lowest === 'owner' ? 'owners' : `${lowest}s and above`;
};

const toolsText = (policy: Policy) => {
  const allow =
    policy.allowTools === null ? 'all tools' : `only ${policy.allowTools.join(', ') || 'none'}`;
  return policy.denyTools.length > 0 ? `${allow}; never ${policy.denyTools.join(', ')}` : allow;
};

export function PoliciesSection({ org }: { org: OrgMembership }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const policies = useQuery(trpc.policies.list.queryOptions({ orgId: org.id }));
  const toolkits = useQuery(trpc.toolkits.list.queryOptions());
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useMutation(
    trpc.policies.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.policies.list.queryFilter({ orgId: org.id }));
        await queryClient.invalidateQueries(trpc.tools.pathFilter());
      },
    }),
  );
  const canManage = roleAtLeast(org.role, 'admin');
  const existing = new Set((policies.data ?? []).map((p) => p.toolkit));
  const choices = (toolkits.data ?? [])
    .filter((t) => !existing.has(t.slug))
    .map((t) => ({ slug: t.slug, name: t.name }));

  return (
    <section className="panel" aria-labelledby="policies-heading">
      <h2 id="policies-heading">Toolkit policies</h2>
      <p className="muted">
        A policy decides whether a toolkit uses {org.name}’s shared accounts or each person’s own,
        who may connect and run, and which tools are allowed. Toolkits without a policy are
        personal.
      </p>
      {policies.isPending ? <Loading label="Loading policies…" /> : null}
      {policies.isError ? (
        <ErrorNotice error={policies.error} onRetry={() => void policies.refetch()} />
      ) : null}
      {policies.data && policies.data.length === 0 ? (
        <Empty>No policies yet: every toolkit is personal.</Empty>
      ) : null}
      {policies.data && policies.data.length > 0 ? (
        <ul className="policies">
          {policies.data.map((policy) =>
            editing === policy.toolkit ? (
              <li key={policy.toolkit}>
                <PolicyEditor
                  orgId={org.id}
                  policy={policy}
                  toolkitChoices={[]}
                  onDone={() => setEditing(null)}
                />
              </li>
            ) : (
              <li
                key={policy.toolkit}
                className="card policy"
                aria-label={`${toolkitLabel(policy.toolkit)} policy`}
              >
                <h3>
                  {toolkitLabel(policy.toolkit)}{' '}
                  <span className={`badge scope-${policy.scope}`}>
                    {policy.scope === 'org' ? 'organization accounts' : 'personal accounts'}
                  </span>
                </h3>
                <dl className="facts">
                  {policy.scope === 'org' ? (
                    <>
                      <div>
                        <dt>Connect</dt>
                        <dd>{rolesText(policy.connectRoles)}</dd>
                      </div>
                      <div>
                        <dt>Run tools</dt>
                        <dd>{rolesText(policy.executeRoles)}</dd>
                      </div>
                    </>
                  ) : (
                    <div>
                      <dt>Who</dt>
                      <dd>everyone, with their own accounts</dd>
                    </div>
                  )}
                  <div>
                    <dt>Tools</dt>
                    <dd>{toolsText(policy)}</dd>
                  </div>
                  {policy.scope === 'org' && policy.approvalTools.length > 0 ? (
                    <div>
                      <dt>Needs approval</dt>
                      <dd>
                        {policy.approvalTools.join(', ')} — approved by{' '}
                        {rolesText(policy.approveRoles)}
                      </dd>
                    </div>
                  ) : null}
                  <div>
                    <dt>Account choice</dt>
                    <dd>
                      {policy.requireExplicitSelection ? 'must be explicit' : 'default account'}
                    </dd>
                  </div>
                  <div>
                    <dt>Updated</dt>
                    <dd>
                      {formatDate(policy.updatedAt)}
                      {policy.updatedBy ? ` by ${policy.updatedBy}` : ''}
                    </dd>
                  </div>
                </dl>
                {canManage ? (
                  <div className="actions">
                    <button
                      type="button"
                      onClick={() => setEditing(policy.toolkit)}
                      aria-label={`Edit the ${toolkitLabel(policy.toolkit)} policy`}
                    >
                      Edit
                    </button>
                    <ConfirmButton
                      label="Remove"
                      accessibleLabel={`Remove the ${toolkitLabel(policy.toolkit)} policy`}
                      title={`Remove the ${toolkitLabel(policy.toolkit)} policy?`}
                      confirmLabel="Remove policy"
                      disabled={remove.isPending}
                      onConfirm={() => remove.mutate({ orgId: org.id, toolkit: policy.toolkit })}
                    >
                      <p>
                        {toolkitLabel(policy.toolkit)} becomes personal in {org.name}: everyone uses
                        their own accounts, and {org.name}’s shared {toolkitLabel(policy.toolkit)}{' '}
                        accounts are no longer used.
                      </p>
                    </ConfirmButton>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      ) : null}
      {remove.isError ? <ErrorNotice error={remove.error} /> : null}
      {canManage && policies.data ? (
        <div className="policy-add">
          {editing === '__new__' ? (
            <PolicyEditor
              orgId={org.id}
              policy={null}
              toolkitChoices={choices}
              onDone={() => setEditing(null)}
            />
          ) : choices.length > 0 ? (
            <button type="button" className="primary" onClick={() => setEditing('__new__')}>
              Add a toolkit policy
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
