import { useDisplayZone } from '../../../state/time-zone-store.js';
import { useEffect, useState } from 'react';
import { TEAM_NEVER_SHARED, TEAM_SHARED_FIELDS, type TeamStatus } from '../../../../../shared/contract/index.js';
import { useBridge } from '../../../bridge/context.js';
import { errorText } from '../../../bridge/errors.js';
import { useBridgeQuery } from '../../../hooks/useBridgeQuery.js';
import { useNow } from '../../../hooks/useNow.js';
import { toast } from '../../../state/toast-store.js';
import { Badge } from '../../../ui/Badge.js';
import { Button } from '../../../ui/Button.js';
import { Callout } from '../../../ui/Callout.js';
import { ConfirmDialog } from '../../../ui/ConfirmDialog.js';
import { ErrorNotice } from '../../../ui/ErrorNotice.js';
import { relativeTime } from '../../../ui/format.js';
import { Switch } from '../../../ui/Switch.js';
import { machineTimeZone } from '../../usage/date-range.js';
import { LimitMeter } from '../../usage/LimitMeter.js';
import { limitTitle } from '../../usage/limit-text.js';
import { plural } from '../../usage/money.js';
import { ConnectTeamForm } from './ConnectTeamForm.js';
import { connectionProblem, hostOf, syncSummary, teamModelLabel } from '../../team/team-text.js';

/**
 * Settings → Team: connect with the server URL and a member token; then the connection, the member's
 * budgets on the server, the team's models, and exactly what this app shares, with a switch to stop.
 */
export function TeamPage() {
  const bridge = useBridge();
  const status = useBridgeQuery('team.status', {}, { refreshOn: ['team.changed'] });
  // Fresh budgets when the page opens; the server's answer arrives as team.changed.
  useEffect(() => {
    void bridge.call('team.status', { refresh: true }).catch(() => undefined);
  }, [bridge]);

  const s = status.data;
  return (
    <div className="team-page">
      <div className="section-intro">
        <p>
          A team server gives you the team&apos;s managed model as <strong>System default</strong>, the models your team allows, and budgets that hold on every computer of the
          team. Your own keys keep working as before.
        </p>
      </div>
      {status.error && !s ? <ErrorNotice error={status.error} onRetry={status.reload} /> : null}
      {!s ? (
        <section className="card" aria-busy="true">
          <span className="skeleton skeleton-block" />
        </section>
      ) : s.connected ? (
        <Connected status={s} reload={status.reload} />
      ) : (
        <section className="card" aria-labelledby="team-connect-title">
          <h2 id="team-connect-title" className="card-title">
            Connect to a team server
          </h2>
          <p className="card-help">Ask your team owner for the server address and your member token.</p>
          <ConnectTeamForm onConnected={(name) => toast.success(`Connected as ${name}`, 'System default now answers with the team’s model.')} />
          <SharingExplainer />
        </section>
      )}
    </div>
  );
}

function Connected({ status, reload }: { status: TeamStatus; reload(): void }) {
  return (
    <>
      <ConnectionCard status={status} reload={reload} />
      <BudgetsCard status={status} />
      <ModelsCard status={status} />
      <SharingCard status={status} />
    </>
  );
}

function ConnectionCard({ status, reload }: { status: TeamStatus; reload(): void }) {
  const bridge = useBridge();
  const now = useNow(30_000);
  const zone = useDisplayZone();
  const [confirm, setConfirm] = useState(false);
  const [checking, setChecking] = useState(false);
  const problem = connectionProblem(status);
  const host = hostOf(status.url);
  const check = async () => {
    setChecking(true);
    try {
      await bridge.call('team.status', { refresh: true });
      reload();
    } finally {
      setChecking(false);
    }
  };
  return (
    <section className="card" aria-labelledby="team-connection-title">
      <div className="team-card-head">
        <h2 id="team-connection-title" className="card-title">
          {status.teamName ?? 'Team'}
          {!status.tokenAvailable ? <Badge tone="warning">reconnect</Badge> : status.reachable ? <Badge tone="success">connected</Badge> : <Badge tone="warning">not reachable</Badge>}
        </h2>
        <div className="team-card-actions">
          <Button size="sm" icon="refresh" busy={checking} onClick={() => void check()} disabled={!status.tokenAvailable}>
            Check now
          </Button>
          <Button size="sm" variant="danger" onClick={() => setConfirm(true)}>
            Disconnect
          </Button>
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Server</dt>
          <dd className="mono path">{status.url}</dd>
        </div>
        <div>
          <dt>Signed in as</dt>
          <dd>
            {status.member?.name}
            {status.member?.role ? <span className="muted"> · {status.member.role}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Member token</dt>
          <dd>
            <span className="mono">…{status.tokenLast4}</span> <span className="muted">kept encrypted on this computer</span>
          </dd>
        </div>
        <div>
          <dt>Last answer</dt>
          <dd>{status.checkedAt ? relativeTime(status.checkedAt, now, zone) : 'not yet'}</dd>
        </div>
      </dl>
      {status.insecure ? (
        <Callout tone="warning" title="This connection is not encrypted">
          <p>
            {host} is reached over plain http, so your member token and usage cross the network readable by others. Ask the team owner for an https:// address.
          </p>
        </Callout>
      ) : null}
      {problem && status.tokenAvailable ? (
        <Callout tone="warning" title="The team server did not answer">
          <p>{problem}</p>
        </Callout>
      ) : null}
      {!status.tokenAvailable ? (
        <div className="team-reconnect">
          <Callout tone="warning" title="Connect again">
            <p>{problem}</p>
          </Callout>
          <ConnectTeamForm reconnect initialUrl={status.url ?? ''} onConnected={(name) => toast.success(`Connected again as ${name}`)} />
        </div>
      ) : null}
      {confirm ? (
        <ConfirmDialog
          title="Disconnect from the team?"
          confirmLabel="Disconnect"
          danger
          onClose={() => setConfirm(false)}
          onConfirm={async () => {
            await bridge.call('team.disconnect', {});
            setConfirm(false);
            toast.success('Disconnected from the team');
          }}
        >
          <p>
            The member token is deleted from this computer and System default goes back to a key from the environment, if there is one. Conversations that use a team
            model stop working until you connect again.
          </p>
          {status.sync.sharing && status.sync.pending > 0 ? <p>{plural(status.sync.pending, 'call', 'calls')} of your own keys not yet uploaded will not be shared.</p> : null}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function BudgetsCard({ status }: { status: TeamStatus }) {
  const over = status.budgets.filter((b) => b.level !== 'ok');
  return (
    <section className="card" aria-labelledby="team-budgets-title">
      <h2 id="team-budgets-title" className="card-title">
        Your team budgets
      </h2>
      <p className="card-help">
        Calls through the team count against these, on every computer you use. The server refuses a call that could go over before it reaches any provider. Your own keys
        are governed by your limits in Settings → Limits instead.
      </p>
      {status.budgets.length === 0 ? (
        <p className="muted">The team owner has set no budget for you.</p>
      ) : (
        <div className="team-budgets">
          {status.budgets.map((b) => (
            <LimitMeter key={b.scope} state={b} title={limitTitle(b)} timeZone={machineTimeZone()} />
          ))}
        </div>
      )}
      {over.length > 0 ? (
        <Callout tone={over.some((b) => b.level === 'exceeded') ? 'error' : 'warning'} title={over.some((b) => b.level === 'exceeded') ? 'A team budget is used up' : 'A team budget is over 80%'}>
          <p>Calls through the team that could go over are refused. Ask the team owner to raise it, or use one of your own models.</p>
        </Callout>
      ) : null}
    </section>
  );
}

function ModelsCard({ status }: { status: TeamStatus }) {
  const d = status.defaultModel;
  const others = status.allowedModels.filter((m) => !(d && m.provider === d.provider && m.model === d.model));
  return (
    <section className="card" aria-labelledby="team-models-title">
      <h2 id="team-models-title" className="card-title">
        Team models
      </h2>
      <dl className="facts">
        <div>
          <dt>System default</dt>
          <dd>{status.defaultModel ? <span>{teamModelLabel(status.defaultModel)}</span> : <span className="muted">The team owner has not chosen a default model yet.</span>}</dd>
        </div>
        <div>
          <dt>Also allowed</dt>
          <dd>
            {others.length === 0 ? (
              <span className="muted">No other models.</span>
            ) : (
              <ul className="team-model-list">
                {others.map((m) => (
                  <li key={`${m.provider}/${m.model}`}>{teamModelLabel(m)}</li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      <p className="card-help team-models-note">They appear in the model picker as “Team · provider/model”, beside your own models.</p>
    </section>
  );
}

function SharingCard({ status }: { status: TeamStatus }) {
  const bridge = useBridge();
  const now = useNow(15_000);
  const zone = useDisplayZone();
  const [busy, setBusy] = useState(false);
  const [saving, setSaving] = useState(false);
  const summary = syncSummary(status.sync, now, zone);
  const upload = async () => {
    setBusy(true);
    try {
      const res = await bridge.call('team.sync', {});
      toast.success(res.message);
    } catch (err) {
      toast.error('Upload failed', errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const toggle = async (on: boolean) => {
    setSaving(true);
    try {
      await bridge.call('team.setSharing', { sharing: on });
    } catch (err) {
      toast.error('Could not change sharing', errorText(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="card" aria-labelledby="team-sharing-title">
      <h2 id="team-sharing-title" className="card-title">
        Usage sharing
      </h2>
      <Switch
        label="Share the usage of my own keys with the team"
        checked={status.sync.sharing}
        disabled={saving}
        onChange={(on) => void toggle(on)}
        description="So the team owner sees all spend in one place. Calls made while this is off are never uploaded. Calls through the team are recorded by the team server either way."
      />
      <SharedFields />
      <div className={`team-sync-state is-${summary.tone}`} role="status" data-testid="team-sync-state">
        <p>{summary.text}</p>
        {status.sync.sharing ? (
          <p className="muted">
            {plural(status.sync.uploaded, 'call', 'calls')} shared since you connected.
          </p>
        ) : null}
      </div>
      <Button size="sm" icon="refresh" busy={busy} onClick={() => void upload()} disabled={!status.tokenAvailable || !status.sync.sharing}>
        Upload now
      </Button>
    </section>
  );
}

/** The exact fields uploaded per call, from the same list the core builds each upload from. */
function SharedFields() {
  return (
    <div className="team-shared-fields">
      <p className="field-label">What is uploaded for each call of your own keys</p>
      <ul>
        {TEAM_SHARED_FIELDS.map((f) => (
          <li key={f.field}>
            <code className="code-tag">{f.field}</code> <span className="muted">{f.about}</span>
          </li>
        ))}
      </ul>
      <p className="team-never">{TEAM_NEVER_SHARED}</p>
    </div>
  );
}

function SharingExplainer() {
  return (
    <details className="team-explainer">
      <summary>What does the app share with the team?</summary>
      <p className="card-help">Calls through the team are recorded by the server. For calls with your own keys, the app uploads only these fields; you can turn sharing off after connecting.</p>
      <SharedFields />
    </details>
  );
}
