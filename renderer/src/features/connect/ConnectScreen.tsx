import { useRef, useState } from 'react';
import { connectWeb, verifyToken } from '../../app/connect.js';
import { errorText, isBridgeError } from '../../bridge/errors.js';
import { normalizePastedToken } from '../../bridge/token.js';
import { Button } from '../../ui/Button.js';
import { Callout } from '../../ui/Callout.js';
import { Field } from '../../ui/Field.js';
import { SecretInput } from '../../ui/SecretInput.js';

/**
 * Web only: the host answers nothing without its bearer token. The start script opens the app with
 * the token in the link; this screen is for a bookmark, a restarted host, or a pasted token.
 */
export function ConnectScreen({ reason }: { reason: 'missing' | 'rejected' }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const raw = inputRef.current?.value ?? '';
    const token = normalizePastedToken(raw);
    if (!token) {
      setError(raw.trim() === '' ? 'Paste the token first.' : 'That does not look like a host token. Copy the whole content of the host-token file.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await verifyToken(token);
      if (inputRef.current) inputRef.current.value = '';
      connectWeb(token);
    } catch (err) {
      setBusy(false);
      if (isBridgeError(err) && err.code === 'UNAUTHORIZED') {
        setError('The host did not accept this token. It changes every time the host starts; copy it again from the host-token file.');
      } else {
        setError(errorText(err));
      }
    }
  };

  return (
    <div className="connect-screen">
      <main className="connect-card" aria-labelledby="connect-title">
        <div className="connect-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Switchboard</span>
        </div>
        <h1 id="connect-title">Connect to Switchboard</h1>
        {reason === 'rejected' ? (
          <Callout tone="warning" title="This tab’s access has ended">
            The Switchboard host was probably restarted: it makes a new access token each time it starts.
          </Callout>
        ) : (
          <p className="lede">This browser tab needs the access token of the Switchboard host running on this computer.</p>
        )}
        <ol className="connect-steps">
          <li>
            The easiest way: open the link the host printed when it started (<code>npm start</code> opens it for you). It carries the token.
          </li>
          <li>
            Or paste the token: it is in the file <code>host-token</code> inside the data folder you started the host with (
            <code>--data-dir</code>), for example <code>cat &lt;data folder&gt;/host-token</code>.
          </li>
        </ol>
        <form
          className="connect-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label="Access token" error={error}>
            {(props) => <SecretInput ref={inputRef} {...props} placeholder="Paste the token" revealLabel="token" onInput={() => error && setError(null)} />}
          </Field>
          <Button type="submit" variant="primary" icon="key" busy={busy}>
            Connect
          </Button>
        </form>
        <p className="connect-footnote">The token stays in this tab only and is forgotten when you close it.</p>
      </main>
    </div>
  );
}
