import { useEffect, useState } from 'react';
import { BridgeError, errorText } from '../../src/bridge/errors.js';
import { optionalNumber } from './numbers.js';
import { Button } from '../../src/ui/Button.js';
import { ErrorNotice } from '../../src/ui/ErrorNotice.js';
import { Field } from '../../src/ui/Field.js';
import { call, fieldOf } from './api.js';
import { useLoad } from './use-load.js';
import type { TeamInfo } from './types.js';

/** The team's name, its time zone (when budget days and months start) and its monthly cap over every member. */
export function TeamView() {
  const team = useLoad(() => call<TeamInfo>('GET', '/api/admin/team'));
  const [name, setName] = useState('');
  const [tz, setTz] = useState('');
  const [cap, setCap] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!team.data) return;
    setName(team.data.name);
    setTz(team.data.timeZone);
    setCap(team.data.monthlyUsd === null ? '' : String(team.data.monthlyUsd));
  }, [team.data]);
  const field = fieldOf(error);
  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const monthlyUsd = optionalNumber(cap);
      if (monthlyUsd === 'invalid') throw new BridgeError('VALIDATION', 'monthlyUsd: enter an amount in USD, like 500, or leave it empty for no cap.', { field: 'monthlyUsd' });
      await call('PUT', '/api/admin/team', { name, timeZone: tz.trim(), monthlyUsd });
      setSaved(true);
      team.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="page page-narrow">
      <header className="page-header">
        <h1>Team</h1>
        <p className="page-subtitle">Settings that apply to every member.</p>
      </header>
      {team.error ? <ErrorNotice error={team.error} onRetry={team.reload} /> : null}
      {team.data ? (
        <form
          className="card"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Field label="Team name" error={field === 'name' ? errorText(error) : null}>
            {(p) => <input {...p} className="input" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} />}
          </Field>
          <Field label="Time zone" help="Daily and monthly budgets reset at midnight here (IANA name, like Europe/Berlin)." error={field === 'timeZone' ? errorText(error) : null}>
            {(p) => <input {...p} className="input" value={tz} onChange={(e) => setTz(e.currentTarget.value)} list="admin-zones" />}
          </Field>
          <datalist id="admin-zones">
            {Intl.supportedValuesOf('timeZone').map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <Field label="Monthly team budget (USD)" optional help="All calls through the server together; empty for no cap." error={field === 'monthlyUsd' ? errorText(error) : null}>
            {(p) => (
              <div className="input-affix">
                <span className="input-prefix">$</span>
                <input {...p} className="input" inputMode="decimal" value={cap} onChange={(e) => setCap(e.currentTarget.value)} />
              </div>
            )}
          </Field>
          {error && !field ? <ErrorNotice error={error} /> : null}
          {saved ? <p className="field-message is-ok" role="status">Saved.</p> : null}
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy}>
              Save
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
