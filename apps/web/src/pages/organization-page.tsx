import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import { ErrorNotice, Loading } from '../components/states.tsx';
import { MembersSection } from '../org/members-section.tsx';
import { PoliciesSection } from '../org/policies-section.tsx';
import { useOrg } from '../session/org.tsx';

function CreateOrgForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { selectOrg } = useOrg();
  const [name, setName] = useState('');
  const nameId = useId();
  const create = useMutation(
    trpc.orgs.create.mutationOptions({
      onSuccess: async (org) => {
        await queryClient.invalidateQueries(trpc.me.get.queryFilter());
        selectOrg(org.id);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate({ name: name.trim() });
  };
  return (
    <form className="inline-form card" onSubmit={submit} aria-labelledby={`${nameId}-h`}>
      <h2 id={`${nameId}-h`}>Create an organization</h2>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field submit">
        <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
          Create
        </button>
      </div>
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}

/** An org named in the URL that the caller does not belong to: the API's answer, as it is. */
function UnknownOrg({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const org = useQuery(trpc.orgs.get.queryOptions({ orgId }));
  if (org.isPending) return <Loading />;
  if (org.isError)
    return <ErrorNotice error={org.error} title={`Organization “${orgId}” not found`} />;
  return null;
}

export function OrganizationPage() {
  const { me, org, orgId, selectOrg } = useOrg();
  if (!org) {
    return (
      <>
        <h1>Organization</h1>
        {orgId ? <UnknownOrg orgId={orgId} /> : null}
        {me.orgs.length > 0 ? (
          <section className="panel" aria-labelledby="your-orgs">
            <h2 id="your-orgs">Your organizations</h2>
            <ul className="plain">
              {me.orgs.map((o) => (
                <li key={o.id}>
                  <button type="button" className="link-button" onClick={() => selectOrg(o.id)}>
                    {o.name}
                  </button>{' '}
                  <span className="muted">— {o.role}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <p>You are not a member of any organization.</p>
        )}
        <CreateOrgForm />
      </>
    );
  }
  return (
    <>
      <h1>{org.name}</h1>
      <p className="lead">
        You are <strong>{org.role}</strong> of {org.name} (<code>{org.id}</code>).
      </p>
      <MembersSection org={org} />
      <PoliciesSection org={org} />
    </>
  );
}
