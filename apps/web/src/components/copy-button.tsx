import { useEffect, useRef, useState } from 'react';

/**
 * Puts `text` on the clipboard. The Clipboard API needs a secure context (https or loopback); a
 * console served over plain http elsewhere falls back to the older copy command.
 */
async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Refused (permissions, focus): try the fallback before giving up.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('copy refused');
}

/**
 * A Copy button that says, for a moment, whether it worked (also to screen readers). What it
 * copies may differ from what the page shows: a masked token is copied in full.
 */
export function CopyButton({
  text,
  label = 'Copy',
  accessibleLabel,
  className,
}: {
  text: string;
  label?: string;
  accessibleLabel?: string;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = () => {
    clearTimeout(timer.current);
    writeClipboard(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
    timer.current = setTimeout(() => setState('idle'), 2_500);
  };

  return (
    <span className="copy">
      <button
        type="button"
        className={className ?? 'copy-button'}
        onClick={copy}
        aria-label={accessibleLabel}
        data-state={state}
      >
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span role="status" className={state === 'failed' ? 'copy-failed small' : 'visually-hidden'}>
        {state === 'copied' ? 'Copied to the clipboard' : null}
        {state === 'failed' ? 'Could not copy: select the text and copy it yourself.' : null}
      </span>
    </span>
  );
}
