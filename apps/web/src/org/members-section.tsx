import {
  type Member as IdentityMember,
  planRoleChange,
  ROLES,
  type RoleChange,
  roleAtLeast,
  type UserId,
} from '@switchboard/identity';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import type { Member, OrgMembership, Role } from '../api/types.ts';
import { Cell } from '../components/cell.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { ErrorNotice, Loading } from '../components/states.tsx';
import { formatDate } from '../lib/format.ts';
import { caseTwins } from '../lib/member-ids.ts';
import { useOrg } from '../session/org.tsx';

/**
 * Whether identity's rules allow a change, so the console only offers what the API would accept
 * (an admin cannot touch owners or admins, the last owner stays). The API checks again.
 */
function allowed(members: Member[], actor: string, change: RoleChange): boolean {
  const current: IdentityMember[] = members.map((m) => ({
    userId: m.userId as UserId,
    role: m.role,
  }));
  return planRoleChange(current, actor as UserId, change).ok;
}

function RoleSelect({
  member,
  members,
  orgId,
  actor,
  onChange,
  disabled,
}: {
  member: Member;
  members: Member[];
  orgId: string;
  actor: string;
  onChange: (role: Role) => void;
  disabled: boolean;
}) {
  const id = useId();
  const options = ROLES.filter(
    (role) =>
      role === member.role ||
      allowed(members, actor, { kind: 'set', userId: member.userId as UserId, role }),
  );
  if (options.length <= 1)
    return <span className={`badge role-${member.role}`}>{member.role}</span>;
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Role of {member.displayName ?? member.userId} in {orgId}
      </label>
      <select
        id={id}
        value={member.role}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value as Role)}
      >
        {options.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
    </>
  );
}

/** `alice` (Alice) and `ALICE`: the members an id is easily mistaken for, id first. */
function twinNames(twins: Member[]): string {
  const names = twins.map((m) =>
    m.displayName && m.displayName !== m.userId ? `${m.userId} (${m.displayName})` : m.userId,
  );
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function AddMemberForm({
  members,
  actor,
  onAdd,
  busy,
}: {
  members: Member[];
  actor: string;
  onAdd: (userId: string, role: Role) => void;
  busy: boolean;
}) {
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('member');
  const userField = useId();
  const roleField = useId();
  const warningId = useId();
  const typed = userId.trim();
  const twins = caseTwins(members, typed);
  // Roles this actor may grant to a newcomer (a placeholder id stands for "someone new").
  const grantable = ROLES.filter((r) =>
    allowed(members, actor, { kind: 'set', userId: '__new__' as UserId, role: r }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = userId.trim();
    if (trimmed) onAdd(trimmed, role);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-labelledby={`${userField}-heading`}>
      <h3 id={`${userField}-heading`}>Add a member</h3>
      <div className="field">
        <label htmlFor={userField}>User id</label>
        <input
          id={userField}
          value={userId}
          autoComplete="off"
          onChange={(event) => setUserId(event.target.value)}
          placeholder="e.g. erin"
          aria-describedby={twins.length > 0 ? warningId : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={roleField}>Role</label>
        <select
          id={roleField}
          value={grantable.includes(role) ? role : (grantable[0] ?? 'viewer')}
          onChange={(event) => setRole(event.target.value as Role)}
        >
          {grantable.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <div className="field submit">
        <button type="submit" className="primary" disabled={busy || userId.trim() === ''}>
          Add member
        </button>
      </div>
      {twins.length > 0 ? (
        <div
          id={warningId}
          className="notice warning compact"
          role="status"
          data-testid="case-warning"
        >
          <p className="notice-title">
            Not the same person as {twins.map((m) => m.userId).join(' or ')}
          </p>
          <p>
            <code>{typed}</code> differs from {twinNames(twins)}, already{' '}
            {twins.length === 1 ? 'a member' : 'members'}, only by capital letters. Switchboard user
            ids are case-sensitive, as Composio’s are: these are two different people, with separate
            accounts. Check the spelling before adding.
          </p>
        </div>
      ) : null}
    </form>
  );
}

export function MembersSection({ org }: { org: OrgMembership }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me } = useOrg();
  const actor = me.user.id;
  const members = useQuery(trpc.orgs.members.list.queryOptions({ orgId: org.id }));
  const [error, setError] = useState<unknown>(null);
  const handlers = {
    onMutate: () => setError(null),
    onError: (e: unknown) => setError(e),
    onSuccess: (list: Member[]) => {
      queryClient.setQueryData(trpc.orgs.members.list.queryKey({ orgId: org.id }), list);
      // The caller's own role may have changed (or they left).
      void queryClient.invalidateQueries(trpc.me.get.queryFilter());
    },
  };
  const set = useMutation(trpc.orgs.members.set.mutationOptions(handlers));
  const remove = useMutation(trpc.orgs.members.remove.mutationOptions(handlers));
  const busy = set.isPending || remove.isPending;
  const canManage = roleAtLeast(org.role, 'admin');

  return (
    <section className="panel" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <p className="muted">
        {canManage
          ? org.role === 'owner'
            ? 'As an owner you can change any role; an organization always keeps one owner.'
            : 'As an admin you can add, change and remove members and viewers; only an owner grants or changes owner and admin.'
          : 'Only owners and admins change roles.'}
      </p>
      {members.isPending ? <Loading label="Loading members…" /> : null}
      {members.isError ? (
        <ErrorNotice error={members.error} onRetry={() => void members.refetch()} />
      ) : null}
      {members.data ? (
        <table className="table responsive">
          <caption className="visually-hidden">Members of {org.name}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => {
              const self = member.userId === actor;
              const canRemove = allowed(members.data, actor, {
                kind: 'remove',
                userId: member.userId as UserId,
              });
              const who = member.displayName ?? member.userId;
              return (
                <tr key={member.userId}>
                  <Cell label="Member">
                    {who}
                    {self ? ' (you)' : ''} <span className="muted small">{member.userId}</span>
                  </Cell>
                  <Cell label="Role">
                    <RoleSelect
                      member={member}
                      members={members.data}
                      orgId={org.id}
                      actor={actor}
                      disabled={busy}
                      onChange={(role) =>
                        set.mutate({ orgId: org.id, userId: member.userId, role })
                      }
                    />
                  </Cell>
                  <Cell label="Joined">{formatDate(member.joinedAt)}</Cell>
                  <Cell label="Actions">
                    {canRemove ? (
                      <ConfirmButton
                        label={self ? 'Leave' : 'Remove'}
                        accessibleLabel={self ? `Leave ${org.name}` : `Remove ${who}`}
                        title={self ? `Leave ${org.name}?` : `Remove ${who} from ${org.name}?`}
                        confirmLabel={self ? 'Leave organization' : 'Remove member'}
                        disabled={busy}
                        onConfirm={() => remove.mutate({ orgId: org.id, userId: member.userId })}
                      >
                        <p>
                          {self ? 'You' : who} will lose access to {org.name}’s accounts at once.
                          Accounts connected for {org.name} stay with the organization.
                        </p>
                      </ConfirmButton>
                    ) : null}
                  </Cell>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {canManage && members.data ? (
        <AddMemberForm
          members={members.data}
          actor={actor}
          busy={busy}
          onAdd={(userId, role) => set.mutate({ orgId: org.id, userId, role })}
        />
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
