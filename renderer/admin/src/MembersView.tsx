import { useRef, useState } from 'react';
import { BridgeError, errorText } from '../../src/bridge/errors.js';
import { optionalNumber } from './numbers.js';
import { Badge } from '../../src/ui/Badge.js';
import { Button, IconButton } from '../../src/ui/Button.js';
import { Callout } from '../../src/ui/Callout.js';
import { ConfirmDialog } from '../../src/ui/ConfirmDialog.js';
import { CopyButton } from '../../src/ui/CopyButton.js';
import { Dialog, DialogActions } from '../../src/ui/Dialog.js';
import { ErrorNotice } from '../../src/ui/ErrorNotice.js';
import { Field } from '../../src/ui/Field.js';
import { relativeTime } from '../../src/ui/format.js';
import { formatCostTotal, formatTokens } from '../../src/features/usage/money.js';
import { call, fieldOf } from './api.js';
import { useLoad } from './use-load.js';
import type { MemberView, Role } from './types.js';

type Open = { kind: 'add' } | { kind: 'limits'; member: MemberView } | { kind: 'token'; member: MemberView } | { kind: 'remove'; member: MemberView } | { kind: 'shown'; name: string; token: string } | null;

/** Members, their budgets (today's tokens and this month's USD against their limits), tokens and removal. */
export function MembersView() {
  const list = useLoad(() => call<{ members: MemberView[] }>('GET', '/api/admin/members'));
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const done = () => {
    setOpen(null);
    list.reload();
  };
  return (
    <div className="page">
      <header className="page-header page-header-row">
        <div>
          <h1>Members</h1>
          <p className="page-subtitle">Each member uses the team’s models with their own token, within their daily token and monthly budgets.</p>
        </div>
        <Button variant="primary" icon="plus" onClick={() => setOpen({ kind: 'add' })}>
          Add member
        </Button>
      </header>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      <section className="card">
        {!list.data ? (
          <p className="muted">Loading…</p>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Members">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">Tokens today</th>
                  <th scope="col" className="num">This month</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.members.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      <span className="member-name">{m.name}</span>
                      {m.role !== 'member' ? <Badge tone={m.role === 'owner' ? 'accent' : 'info'}>{m.role}</Badge> : null}
                    </th>
                    <td className="num">
                      {formatTokens(m.used.dailyTokens)}
                      <span className="cell-sub">{m.limits.dailyTokens === null ? 'no limit' : `of ${formatTokens(m.limits.dailyTokens)}`}</span>
                    </td>
                    <td className="num">
                      {formatCostTotal(m.used.monthlyUsd)}
                      <span className="cell-sub">{m.limits.monthlyUsd === null ? 'no limit' : `of ${formatCostTotal(m.limits.monthlyUsd)}`}</span>
                    </td>
                    <td>
                      {m.lastUsedAt ? relativeTime(Date.parse(m.lastUsedAt)) : <span className="muted">never</span>}
                      {m.tokenExpiresAt ? <span className="cell-sub">token expires {new Date(m.tokenExpiresAt).toLocaleDateString()}</span> : null}
                    </td>
                    <td className="row-actions">
                      <Button size="sm" onClick={() => setOpen({ kind: 'limits', member: m })}>
                        Limits
                      </Button>
                      <IconButton icon="rotate" label={`New token for ${m.name}`} onClick={() => setOpen({ kind: 'token', member: m })} />
                      {m.role !== 'owner' ? <IconButton icon="trash" label={`Remove ${m.name}`} onClick={() => setOpen({ kind: 'remove', member: m })} /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {open?.kind === 'add' ? <AddMemberDialog onClose={close} onAdded={(name, token) => { list.reload(); setOpen({ kind: 'shown', name, token }); }} /> : null}
      {open?.kind === 'limits' ? <LimitsDialog member={open.member} onClose={close} onSaved={done} /> : null}
      {open?.kind === 'token' ? (
        <ConfirmDialog
          title={`New token for ${open.member.name}`}
          confirmLabel="Make a new token"
          onClose={close}
          onConfirm={async () => {
            const r = await call<{ token: string }>('POST', `/api/admin/members/${open.member.id}/token`, {});
            list.reload();
            setOpen({ kind: 'shown', name: open.member.name, token: r.token });
          }}
        >
          The current token stops working at once, in every app and client that uses it.
        </ConfirmDialog>
      ) : null}
      {open?.kind === 'remove' ? (
        <ConfirmDialog
          danger
          title={`Remove ${open.member.name}?`}
          confirmLabel="Remove member"
          onClose={close}
          onConfirm={async () => {
            await call('DELETE', `/api/admin/members/${open.member.id}`);
            done();
          }}
        >
          Their token stops working at once. Their usage stays in the reports.
        </ConfirmDialog>
      ) : null}
      {open?.kind === 'shown' ? <TokenDialog name={open.name} token={open.token} onClose={close} /> : null}
    </div>
  );
}

function AddMemberDialog({ onClose, onAdded }: { onClose: () => void; onAdded: (name: string, token: string) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Exclude<Role, 'owner'>>('member');
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const field = fieldOf(error);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const expires = optionalNumber(days);
      if (expires === 'invalid') throw new BridgeError('VALIDATION', 'expiresInDays: enter a number of days, or leave it empty.', { field: 'expiresInDays' });
      const r = await call<{ id: string; token: string }>('POST', '/api/admin/members', { name, role, ...(expires !== null ? { expiresInDays: expires } : {}) });
      onAdded(name.trim(), r.token);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title="Add a member" onClose={onClose} busy={busy} onSubmit={() => void submit()} footer={<DialogActions submitLabel="Add member" onCancel={onClose} busy={busy} />} status={error && !field ? <ErrorNotice error={error} /> : null}>
      <Field label="Name" error={field === 'name' ? errorText(error) : null}>
        {(p) => <input {...p} className="input" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus maxLength={100} />}
      </Field>
      <Field label="Role" help="Admins manage members, keys, models and budgets; only the owner adds admins.">
        {(p) => (
          <select {...p} className="input" value={role} onChange={(e) => setRole(e.currentTarget.value as 'member' | 'admin')}>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
        )}
      </Field>
      <Field label="Token expires after (days)" optional help="Leave empty for a token that works until you revoke it." error={field === 'expiresInDays' ? errorText(error) : null}>
        {(p) => <input {...p} className="input" inputMode="numeric" value={days} onChange={(e) => setDays(e.currentTarget.value)} />}
      </Field>
    </Dialog>
  );
}

function LimitsDialog({ member, onClose, onSaved }: { member: MemberView; onClose: () => void; onSaved: () => void }) {
  const [daily, setDaily] = useState(member.limits.dailyTokens === null ? '' : String(member.limits.dailyTokens));
  const [monthly, setMonthly] = useState(member.limits.monthlyUsd === null ? '' : String(member.limits.monthlyUsd));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<{ field: string; message: string } | null>(null);
  const field = local?.field ?? fieldOf(error);
  const message = (f: string) => (local?.field === f ? local.message : field === f ? errorText(error) : null);
  const submit = async () => {
    const dailyTokens = optionalNumber(daily);
    const monthlyUsd = optionalNumber(monthly);
    if (dailyTokens === 'invalid' || (dailyTokens !== null && !Number.isInteger(dailyTokens))) return setLocal({ field: 'dailyTokens', message: 'Enter a whole number of tokens, or leave it empty for no limit.' });
    if (monthlyUsd === 'invalid') return setLocal({ field: 'monthlyUsd', message: 'Enter an amount in USD, like 25 or 12.50, or leave it empty for no limit.' });
    setLocal(null);
    setBusy(true);
    setError(null);
    try {
      await call('PUT', `/api/admin/members/${member.id}/limits`, { dailyTokens, monthlyUsd });
      onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Limits for ${member.name}`}
      description="Calls through the team server are refused before they reach the provider once a limit is reached. Days and months follow the team’s time zone."
      onClose={onClose}
      busy={busy}
      onSubmit={() => void submit()}
      footer={<DialogActions submitLabel="Save limits" onCancel={onClose} busy={busy} />}
      status={error && !field ? <ErrorNotice error={error} /> : null}
    >
      <Field label="Daily tokens" optional help={`Used today: ${formatTokens(member.used.dailyTokens)}. Empty: no limit.`} error={message('dailyTokens')}>
        {(p) => <input {...p} className="input" inputMode="numeric" value={daily} onChange={(e) => setDaily(e.currentTarget.value)} data-autofocus />}
      </Field>
      <Field label="Monthly budget (USD)" optional help={`Used this month: ${formatCostTotal(member.used.monthlyUsd)}. Empty: no limit.`} error={message('monthlyUsd')}>
        {(p) => (
          <div className="input-affix">
            <span className="input-prefix">$</span>
            <input {...p} className="input" inputMode="decimal" value={monthly} onChange={(e) => setMonthly(e.currentTarget.value)} />
          </div>
        )}
      </Field>
    </Dialog>
  );
}

function TokenDialog({ name, token, onClose }: { name: string; token: string; onClose: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <Dialog title={`Token for ${name}`} onClose={onClose} footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
      <Callout tone="warning" title="Shown only now">
        Copy it and give it to {name}. The server keeps only a hash: nobody can show it again, but you can make a new one.
      </Callout>
      <Field label="Token" help="In Switchboard: Settings → Team. In any OpenAI client: the API key, with the server’s /v1 address as the base URL.">
        {(p) => (
          <div className="input-with-actions">
            <input {...p} ref={ref} className="input input-mono" readOnly value={token} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={token} />
          </div>
        )}
      </Field>
    </Dialog>
  );
}
