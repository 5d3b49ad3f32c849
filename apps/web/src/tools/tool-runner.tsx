import { skipToken, useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { failureCandidates, failureScope, failureToolkit, toFailure } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import type { Connection, ExecuteResult, Tool } from '../api/types.ts';
import { Markdown } from '../components/markdown.tsx';
import { ErrorNotice } from '../components/states.tsx';
import { returnUrl, useStartConnect } from '../connections/use-connect.ts';
import {
  type AccountChoice,
  automaticChoiceWords,
  inactiveDefaultWords,
  planAccountChoice,
} from '../lib/account-choice.ts';
import { accountName, formatDate, scopeLabel, toolkitLabel } from '../lib/format.ts';
import { hrefFor, Link, useLocation, withParams } from '../lib/router.tsx';
import {
  argumentsFromValues,
  emptyValues,
  type FormValues,
  formFromSchema,
  parseRawArguments,
  valuesFromArguments,
} from '../lib/schema-form.ts';
import { useOrg } from '../session/org.tsx';
import { SchemaFields } from './schema-fields.tsx';

/** For WRONG_SCOPE naming organizations the caller belongs to: a button to act in each. */
export function ActInOrgButton({ error }: { error: unknown }) {
  const { me, orgName, selectOrg } = useOrg();
  const failure = toFailure(error);
  if (failure.reason !== 'WRONG_SCOPE') return null;
  const scope = failureScope(failure);
  const named = Array.isArray(failure.details.orgIds)
    ? failure.details.orgIds.filter((id): id is string => typeof id === 'string')
    : [];
  const orgIds = (named.length > 0 ? named : scope?.kind === 'org' ? [scope.id] : []).filter((id) =>
    me.orgs.some((o) => o.id === id),
  );
  return (
    <>
      {orgIds.map((id) => (
        <button key={id} type="button" className="primary" onClick={() => selectOrg(id)}>
          Act in {orgName(id) ?? id}
        </button>
      ))}
    </>
  );
}

function RunResult({
  result,
  accounts,
}: {
  result: ExecuteResult;
  accounts: Connection[] | undefined;
}) {
  const { orgName } = useOrg();
  const account = accounts?.find((a) => a.id === result.connectedAccountId);
  // A failed tool usually sends `{}` with its error: the error is the answer, not an empty box.
  const hasData = Object.keys(result.data).length > 0;
  return (
    <section
      className={`result ${result.successful ? 'ok' : 'failed'}`}
      aria-labelledby="run-result"
      aria-live="polite"
    >
      <h3 id="run-result">{result.successful ? 'Result' : 'The tool reported an error'}</h3>
      <dl className="facts">
        <div>
          <dt>Account used</dt>
          <dd data-testid="account-used">
            {account ? accountName(account) : 'An account'} <code>{result.connectedAccountId}</code>
          </dd>
        </div>
        <div>
          <dt>Scope</dt>
          <dd data-testid="scope-used">
            {result.scope.kind === 'org'
              ? `${scopeLabel(result.scope, orgName)} (organization)`
              : 'Personal'}
          </dd>
        </div>
        <div>
          <dt>Execution</dt>
          <dd>
            <code>{result.executionId}</code>
          </dd>
        </div>
      </dl>
      {result.successful ? null : (
        <div className="notice error compact" data-testid="tool-error">
          <p className="notice-title">What the tool said</p>
          <p className="tool-error-text">
            {result.error || 'It reported a failure without saying why.'}
          </p>
        </div>
      )}
      {hasData ? (
        <pre className="json" data-testid="result-data">
          {JSON.stringify(result.data, null, 2)}
        </pre>
      ) : result.successful ? (
        <p className="muted" data-testid="result-data">
          The tool returned no data.
        </p>
      ) : null}
    </section>
  );
}

/** Which account a run without a choice uses and why, or why the person must choose. */
function AccountChoiceHint({
  choice,
  picked,
  toolkit,
  connectionsHref,
  orgName,
}: {
  choice: AccountChoice | null;
  picked: boolean;
  toolkit: string;
  connectionsHref: string;
  orgName: string | null;
}) {
  if (!choice || (picked && choice.kind !== 'none')) return null;
  switch (choice.kind) {
    case 'automatic':
      return <p className="hint">{automaticChoiceWords(choice)}</p>;
    case 'must-choose':
      return (
        <p className="hint">
          {orgName ? `${orgName}’s policy` : 'The policy'} asks you to choose: there are{' '}
          {choice.accounts.length} active {toolkitLabel(toolkit)} accounts here.
        </p>
      );
    case 'inactive-default':
      return (
        <div className="notice warning compact" role="status">
          <p>{inactiveDefaultWords(choice)}</p>
          <p>
            {choice.others.length > 0
              ? 'Choose an account above, or '
              : 'Reconnect it, or connect another account and '}
            <Link to={connectionsHref}>pin another default on the Connections page</Link>.
          </p>
        </div>
      );
    case 'none':
      return (
        <p className="hint">
          {choice.connected > 0
            ? `None of the ${toolkitLabel(toolkit)} accounts here is active.`
            : `No ${toolkitLabel(toolkit)} account is connected here yet.`}{' '}
          <Link to={connectionsHref}>Manage connections</Link>
        </p>
      );
    default:
      return null;
  }
}

/**
 * Runs one tool: a form built from its input schema (or raw JSON), an account choice (or the
 * default), and the outcome — the data, the account and scope used, or the refusal in words with
 * what to do about it.
 */
export function ToolRunner({ tool, orgId }: { tool: Tool; orgId: string | null }) {
  const trpc = useTRPC();
  const location = useLocation();
  const { org, orgName } = useOrg();
  const model = useMemo(() => formFromSchema(tool.inputParameters), [tool.inputParameters]);
  const [mode, setMode] = useState<'form' | 'json'>(model.supported ? 'form' : 'json');
  const [values, setValues] = useState<FormValues>(() => emptyValues(model));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [raw, setRaw] = useState('{}');
  const [rawError, setRawError] = useState<string | null>(null);
  const [accountId, setAccountId] = useState('');
  const [accountError, setAccountError] = useState<string | null>(null);
  const headingId = useId();
  const accountSelectId = useId();
  const rawId = useId();

  const inOrg = tool.scope.kind === 'org';
  const accounts = useQuery(
    trpc.connections.list.queryOptions(
      inOrg
        ? { orgId: tool.scope.id, include: 'org', toolkit: tool.toolkit }
        : { include: 'personal', toolkit: tool.toolkit },
    ),
  );
  // The acting organization's policy decides whether a choice is required, in either scope.
  const policies = useQuery(trpc.policies.list.queryOptions(orgId ? { orgId } : skipToken));
  const policy = policies.data?.find((p) => p.toolkit === tool.toolkit) ?? null;
  const active = (accounts.data ?? []).filter((a) => a.status === 'ACTIVE');
  const policyKnown = !orgId || !policies.isPending;
  const choice =
    accounts.data && policyKnown
      ? planAccountChoice(accounts.data, {
          requireExplicitSelection: policy?.requireExplicitSelection ?? false,
        })
      : null;
  const mustChoose = choice?.kind === 'must-choose';
  const execute = useMutation(trpc.tools.execute.mutationOptions());
  const connect = useStartConnect();

  const currentArguments = (): Record<string, unknown> | null => {
    if (mode === 'json') {
      const parsed = parseRawArguments(raw);
      if (!parsed.ok) {
        setRawError(parsed.error);
        return null;
      }
      setRawError(null);
      return parsed.value;
    }
    const result = argumentsFromValues(model, values);
    setErrors(result.ok ? {} : result.errors);
    return result.ok ? result.value : null;
  };

  const run = (chosenAccount = accountId) => {
    const args = currentArguments();
    if (mustChoose && !chosenAccount) {
      setAccountError('Choose the account to run with.');
      document.getElementById(accountSelectId)?.focus();
      return;
    }
    setAccountError(null);
    if (!args) return;
    execute.mutate({
      tool: tool.slug,
      arguments: args,
      ...(orgId ? { orgId } : {}),
      ...(chosenAccount ? { connectedAccountId: chosenAccount } : {}),
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    run();
  };

  const switchMode = (next: 'form' | 'json') => {
    if (next === mode) return;
    if (next === 'json') {
      const result = argumentsFromValues(model, values);
      setRaw(JSON.stringify(result.value, null, 2));
      setRawError(null);
      setMode('json');
      return;
    }
    const parsed = parseRawArguments(raw);
    if (!parsed.ok) {
      setRawError(`${parsed.error} Fix it to go back to the form.`);
      return;
    }
    const { values: fromJson, unknownKeys } = valuesFromArguments(model, parsed.value);
    if (unknownKeys.length > 0) {
      setRawError(
        `The form has no field for ${unknownKeys.join(', ')}; remove them to go back to the form.`,
      );
      return;
    }
    setValues(fromJson);
    setErrors({});
    setMode('form');
  };

  const here = withParams(location, { request_id: null, status: null, error: null });
  const failure = execute.isError ? toFailure(execute.error) : null;

  let refusalText = '';
  if (!tool.canExecute) {
    refusalText =
      inOrg && org
        ? `Your role in ${org.name} (${org.role}) does not run ${toolkitLabel(tool.toolkit)} tools. Ask an owner or admin.`
        : `${org?.name ?? 'The organization'}’s policy does not allow this tool.`;
  }

  return (
    <section className="panel runner" aria-labelledby={headingId}>
      <h2 id={headingId}>{tool.name}</h2>
      <p className="muted">
        <code>{tool.slug}</code> · runs in{' '}
        <strong>
          {inOrg ? `${scopeLabel(tool.scope, orgName)}’s accounts` : 'your personal accounts'}
        </strong>
      </p>
      {tool.description ? <Markdown text={tool.description} className="tool-description" /> : null}

      <form onSubmit={submit} noValidate>
        <div className={`field${accountError ? ' invalid' : ''}`}>
          <label htmlFor={accountSelectId}>Account</label>
          <select
            id={accountSelectId}
            value={accountId}
            aria-invalid={accountError ? true : undefined}
            aria-describedby={`${accountSelectId}-choice`}
            onChange={(event) => {
              setAccountId(event.target.value);
              setAccountError(null);
            }}
          >
            {mustChoose ? (
              <option value="" disabled>
                Choose an account…
              </option>
            ) : (
              <option value="">
                {choice?.kind === 'automatic'
                  ? `Let Switchboard choose (${accountName(choice.account)})`
                  : 'Let Switchboard choose'}
              </option>
            )}
            {active.map((account) => (
              <option key={account.id} value={account.id}>
                {accountName(account)}
                {account.isDefault ? ' — default' : ''}
              </option>
            ))}
          </select>
          <div id={`${accountSelectId}-choice`} data-testid="account-choice">
            <AccountChoiceHint
              choice={choice}
              picked={accountId !== ''}
              toolkit={tool.toolkit}
              connectionsHref={hrefFor('/connections', { org: orgId })}
              orgName={org?.name ?? null}
            />
          </div>
          {accountError ? (
            <p className="field-error" role="alert">
              {accountError}
            </p>
          ) : null}
          {accounts.isError ? <ErrorNotice error={accounts.error} toolkit={tool.toolkit} /> : null}
        </div>

        <fieldset className="mode-switch">
          <legend className="visually-hidden">Arguments editor</legend>
          <button
            type="button"
            aria-pressed={mode === 'form'}
            disabled={!model.supported}
            onClick={() => switchMode('form')}
          >
            Form
          </button>
          <button type="button" aria-pressed={mode === 'json'} onClick={() => switchMode('json')}>
            Raw JSON
          </button>
        </fieldset>

        {mode === 'form' ? (
          <SchemaFields model={model} values={values} errors={errors} onChange={setValues} />
        ) : (
          <div className={`field${rawError ? ' invalid' : ''}`}>
            <label htmlFor={rawId}>Arguments (one JSON object)</label>
            <textarea
              id={rawId}
              className="mono"
              rows={8}
              value={raw}
              spellCheck={false}
              aria-invalid={rawError ? true : undefined}
              aria-describedby={rawError ? `${rawId}-error` : undefined}
              onChange={(event) => setRaw(event.target.value)}
            />
          </div>
        )}
        {rawError ? (
          <p id={`${rawId}-error`} className="field-error" role="alert">
            {rawError}
          </p>
        ) : null}

        <div className="actions">
          {tool.canExecute ? (
            <button type="submit" className="primary" disabled={execute.isPending}>
              {execute.isPending ? 'Running…' : 'Run'}
            </button>
          ) : (
            <p className="notice info view-only" data-testid="run-not-offered">
              {refusalText}
            </p>
          )}
        </div>
      </form>

      {execute.isSuccess ? <RunResult result={execute.data} accounts={accounts.data} /> : null}
      {execute.isError && failure ? (
        <ErrorNotice
          error={execute.error}
          toolkit={tool.toolkit}
          accounts={accounts.data}
          title={
            failure.reason === 'ROLE_REQUIRED'
              ? 'Refused: your role may not run this tool'
              : undefined
          }
        >
          {failure.reason === 'NO_CONNECTED_ACCOUNT' ? (
            <button
              type="button"
              className="primary"
              disabled={connect.isPending}
              onClick={() => {
                const scope = failureScope(failure);
                connect.mutate({
                  toolkit: failureToolkit(failure) ?? tool.toolkit,
                  ...(scope?.kind === 'org' ? { orgId: scope.id } : {}),
                  callbackUrl: returnUrl(here),
                });
              }}
            >
              Connect {toolkitLabel(failureToolkit(failure) ?? tool.toolkit)}
            </button>
          ) : null}
          {failure.reason === 'AMBIGUOUS_ACCOUNT'
            ? failureCandidates(failure).map((candidate) => (
                <button
                  key={candidate.id}
                  type="button"
                  onClick={() => {
                    setAccountId(candidate.id);
                    run(candidate.id);
                  }}
                >
                  Run with {accountName(candidate)}
                  {candidate.connectedAt ? ` (connected ${formatDate(candidate.connectedAt)})` : ''}
                </button>
              ))
            : null}
          <ActInOrgButton error={execute.error} />
          {failure.reason === 'ACCOUNT_INACTIVE' ? (
            <Link to={hrefFor('/connections', { org: orgId })}>Go to connections</Link>
          ) : null}
          {failure.reason === 'APPROVAL_REQUIRED' ? (
            <Link to={hrefFor('/approvals', { org: orgId })}>Follow it on the Approvals page</Link>
          ) : null}
        </ErrorNotice>
      ) : null}
      {connect.isError ? <ErrorNotice error={connect.error} /> : null}
    </section>
  );
}
