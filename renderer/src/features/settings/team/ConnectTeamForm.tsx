import { useRef, useState, type FormEvent } from 'react';
import { useBridge } from '../../../bridge/context.js';
import { Button } from '../../../ui/Button.js';
import { ErrorNotice } from '../../../ui/ErrorNotice.js';
import { Field } from '../../../ui/Field.js';
import { SecretInput } from '../../../ui/SecretInput.js';
import { readSecret, useSecretRef, wipeSecret } from '../../../ui/useSecretRef.js';
import { problemsOf, type Problems } from './connect-errors.js';

/**
 * Server URL and member token. The token lives only in the password input (never in React state)
 * and is wiped once the core has it; the core keeps it in the vault and never sends it back.
 */
export function ConnectTeamForm({ initialUrl, onConnected, reconnect = false }: { initialUrl?: string; onConnected(name: string): void; reconnect?: boolean }) {
  const bridge = useBridge();
  const [url, setUrl] = useState(initialUrl ?? '');
  const tokenRef = useSecretRef();
  const urlRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problems>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const token = readSecret(tokenRef).trim();
    const next: Problems = {};
    if (url.trim() === '') next.url = 'Enter the address the team owner gave you, e.g. https://team.example.com.';
    if (token === '') next.token = 'Paste your member token.';
    setProblems(next);
    if (next.url || next.token) {
      (next.url ? urlRef.current : tokenRef.current)?.focus();
      return;
    }
    setBusy(true);
    try {
      const res = await bridge.call('team.connect', { url: url.trim(), token });
      wipeSecret(tokenRef);
      onConnected(res.member.name);
    } catch (err) {
      const p = problemsOf(err);
      setProblems(p);
      if (p.token) tokenRef.current?.focus();
      else if (p.url) urlRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="team-connect-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Connect to a team server">
      <Field label="Server URL" help="The address of your team's Switchboard server, e.g. https://team.example.com." error={problems.url ?? null}>
        {(p) => (
          <input
            {...p}
            ref={urlRef}
            className="input"
            type="url"
            inputMode="url"
            placeholder="https://team.example.com"
            autoComplete="url"
            spellCheck={false}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label="Member token" help="Shown once when the owner invited you. It is kept encrypted on this computer and never shown again." error={problems.token ?? null}>
        {(p) => <SecretInput {...p} ref={tokenRef} revealLabel="token" placeholder="Paste your member token" />}
      </Field>
      {problems.other ? <ErrorNotice error={problems.other} /> : null}
      <div className="team-connect-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {reconnect ? 'Connect again' : 'Connect'}
        </Button>
        {busy ? <span className="muted" role="status">Asking the server…</span> : null}
      </div>
    </form>
  );
}
