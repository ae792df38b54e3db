import { useRef, useState } from 'react';
import { errorText, isBridgeError } from '../../src/bridge/errors.js';
import { Button } from '../../src/ui/Button.js';
import { Field } from '../../src/ui/Field.js';
import { SecretInput } from '../../src/ui/SecretInput.js';
import { call } from './api.js';
import { signIn } from './session.js';
import type { TeamInfo } from './types.js';

/** The owner pastes their token (from the owner-token file); it is checked against the admin API before it is kept. */
export function SignIn() {
  const inputRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const token = (inputRef.current?.value ?? '').trim();
    if (!token) {
      setError('Paste the token first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call<TeamInfo>('GET', '/api/admin/team', undefined, token);
      if (inputRef.current) inputRef.current.value = '';
      signIn(token);
    } catch (err) {
      setBusy(false);
      if (isBridgeError(err) && err.status === 401) setError('The server did not accept this token: it is wrong, revoked or expired.');
      else if (isBridgeError(err) && err.status === 403) setError('This is a member token. The admin page needs the owner token or an admin’s token.');
      else setError(errorText(err));
    }
  };

  return (
    <div className="connect-screen">
      <main className="connect-card" aria-labelledby="signin-title">
        <div className="connect-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Switchboard team</span>
        </div>
        <h1 id="signin-title">Sign in to the team server</h1>
        <p className="lede">Manage the team’s keys, models, members and budgets, and see who spent what.</p>
        <ol className="connect-steps">
          <li>
            The owner token is in the file <code>owner-token</code> in the server’s data folder (<code>--data-dir</code>), written on the first start.
          </li>
          <li>An admin uses the token they were given when the owner added them.</li>
        </ol>
        <form
          className="connect-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label="Owner or admin token" error={error}>
            {(props) => <SecretInput ref={inputRef} {...props} placeholder="sbt_…" revealLabel="token" data-autofocus onInput={() => error && setError(null)} />}
          </Field>
          <Button type="submit" variant="primary" icon="key" busy={busy}>
            Sign in
          </Button>
        </form>
        <p className="connect-footnote">The token stays in this tab only; closing the tab signs you out.</p>
      </main>
    </div>
  );
}
