import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import { ErrorNotice, Notice } from '../components/states.tsx';
import { useSession } from '../session/session.tsx';

/** The people `pnpm dev` seeds (apps/api/src/seed.ts); dev sign-in only works for them. */
const DEV_PEOPLE = [
  { id: 'alice', description: 'Acme owner' },
  { id: 'bob', description: 'Acme member' },
  { id: 'carol', description: 'Acme viewer' },
  { id: 'dave', description: 'in no organization' },
] as const;

export function SignInPage() {
  const trpc = useTRPC();
  const session = useSession();
  const [pasted, setPasted] = useState('');
  const tokenId = useId();
  const devSignIn = useMutation(
    trpc.dev.signIn.mutationOptions({ onSuccess: ({ token }) => session.signIn(token) }),
  );

  const submitToken = (event: FormEvent) => {
    event.preventDefault();
    const token = pasted.trim().replace(/^Bearer\s+/i, '');
    if (token) session.signIn(token);
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Switchboard</h1>
      <p className="lead">
        The console for connected accounts: connect them, run tools with them and decide who may.
      </p>
      {session.notice ? (
        <Notice tone="warning" title="You were signed out">
          {session.notice}
        </Notice>
      ) : null}

      <section aria-labelledby="dev-heading" className="card">
        <h2 id="dev-heading">Development sign-in</h2>
        <p className="muted">
          With <code>AUTH_MODE=dev</code> the API mints a token for one of the seeded people.
        </p>
        <ul className="people">
          {DEV_PEOPLE.map((person) => (
            <li key={person.id}>
              <button
                type="button"
                className="person"
                disabled={devSignIn.isPending}
                onClick={() => devSignIn.mutate({ userId: person.id })}
                aria-label={`Sign in as ${person.id} (${person.description})`}
              >
                <span className="person-name">{person.id}</span>
                <span className="muted small">{person.description}</span>
              </button>
            </li>
          ))}
        </ul>
        {devSignIn.isPending ? (
          <p role="status" className="muted">
            Signing in…
          </p>
        ) : null}
        {devSignIn.isError ? <ErrorNotice error={devSignIn.error} /> : null}
      </section>

      <section aria-labelledby="token-heading" className="card">
        <h2 id="token-heading">Sign in with a token</h2>
        <form onSubmit={submitToken} className="stack">
          <label htmlFor={tokenId}>Bearer token (a JWT from your identity provider)</label>
          <textarea
            id={tokenId}
            rows={3}
            value={pasted}
            onChange={(event) => setPasted(event.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <div>
            <button type="submit" className="primary" disabled={pasted.trim() === ''}>
              Use this token
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}
