import { type FormEvent, useId, useState } from 'react';
import { ErrorNotice } from '../components/states.tsx';
import { toolkitLabel } from '../lib/format.ts';
import { returnUrl, useStartConnect } from './use-connect.ts';

/**
 * Connect a toolkit: personal (no `orgId`), or for an organization whose policy connects the
 * toolkit at the organization level. Several accounts per toolkit are normal, so a label helps
 * tell them apart later.
 */
export function ConnectForm({
  toolkits,
  orgId,
  returnTo,
  legend,
}: {
  toolkits: Array<{ slug: string; name: string }>;
  orgId?: string;
  returnTo: string;
  legend: string;
}) {
  const connect = useStartConnect();
  const [toolkit, setToolkit] = useState('');
  const [label, setLabel] = useState('');
  const toolkitId = useId();
  const labelId = useId();
  const chosen = toolkit || toolkits[0]?.slug || '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    const trimmed = label.trim();
    connect.mutate({
      toolkit: chosen,
      ...(orgId ? { orgId } : {}),
      ...(trimmed ? { label: trimmed } : {}),
      callbackUrl: returnUrl(returnTo),
    });
  };

  return (
    <form className="connect-form" onSubmit={submit}>
      <fieldset disabled={connect.isPending || connect.isSuccess}>
        <legend>{legend}</legend>
        <div className="field">
          <label htmlFor={toolkitId}>Toolkit</label>
          <select
            id={toolkitId}
            value={chosen}
            onChange={(event) => setToolkit(event.target.value)}
          >
            {toolkits.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name || toolkitLabel(t.slug)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={labelId}>
            Label <span className="muted">(optional)</span>
          </label>
          <input
            id={labelId}
            value={label}
            maxLength={100}
            placeholder="e.g. Work"
            onChange={(event) => setLabel(event.target.value)}
          />
        </div>
        <div className="field submit">
          <button type="submit" className="primary" disabled={!chosen}>
            Connect
          </button>
        </div>
      </fieldset>
      {connect.isPending || connect.isSuccess ? (
        <p className="muted" role="status">
          Opening the consent page…
        </p>
      ) : null}
      {connect.isError ? <ErrorNotice error={connect.error} /> : null}
    </form>
  );
}
