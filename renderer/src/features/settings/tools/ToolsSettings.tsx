import { useId, useRef, useState } from 'react';
import type { McpAddRequest, McpServerInfo } from '../../../../../shared/contract/index.js';
import { useBridge } from '../../../bridge/context.js';
import { BridgeError, describeError, fieldMessage, isBridgeError } from '../../../bridge/errors.js';
import { useBridgeQuery } from '../../../hooks/useBridgeQuery.js';
import { toast } from '../../../state/toast-store.js';
import { Badge } from '../../../ui/Badge.js';
import { Button, IconButton } from '../../../ui/Button.js';
import { ConfirmDialog } from '../../../ui/ConfirmDialog.js';
import { Dialog, DialogActions } from '../../../ui/Dialog.js';
import { ErrorNotice } from '../../../ui/ErrorNotice.js';
import { Field } from '../../../ui/Field.js';
import { SecretInput } from '../../../ui/SecretInput.js';
import { useFocusFirstInvalid } from '../../../hooks/useFocusFirstInvalid.js';

/** Settings → Tools: the built-in tools, the addresses the URL reader may open, and MCP servers. */
export function ToolsSettings() {
  const tools = useBridgeQuery('tools.list', {}, { refreshOn: ['mcp.changed'] });
  const builtins = (tools.data?.tools ?? []).filter((t) => t.source === 'builtin');
  return (
    <div className="tools-settings">
      <div className="section-intro">
        <p>Tools run inside Switchboard, never in this window. An agent may use only the tools you allow for it, and each call asks you first unless you allow it for the conversation.</p>
      </div>
      <section className="card" aria-labelledby="tools-builtin">
        <h2 id="tools-builtin" className="card-title">
          Built-in tools
        </h2>
        <ul className="tool-info-list">
          {builtins.map((t) => (
            <li key={t.id}>
              <span className="tool-info-name">{t.title}</span> <span className="mono muted">{t.name}</span>
              <p className="muted">{t.description}</p>
              {t.unavailable ? <p className="tool-check-warn">{t.unavailable}</p> : null}
            </li>
          ))}
        </ul>
      </section>
      <AllowList />
      <McpServers />
    </div>
  );
}

function AllowList() {
  const bridge = useBridge();
  const settings = useBridgeQuery('settings.get', {});
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = settings.data?.urlAllowList ?? [];
  const save = async (next: string[]) => {
    setError(null);
    try {
      await bridge.call('settings.set', { urlAllowList: next });
      settings.reload();
      return true;
    } catch (err) {
      setError(fieldMessage(describeError(err).message, isBridgeError(err) ? err.details?.field : undefined));
      return false;
    }
  };
  const add = async () => {
    const value = draft.trim();
    if (value === '' || list.includes(value)) return;
    if (await save([...list, value])) setDraft('');
  };
  return (
    <section className="card" aria-labelledby="tools-allow">
      <h2 id="tools-allow" className="card-title">
        Addresses the URL reader may open
      </h2>
      <p className="card-help">A site (https://example.com) allows all its pages; a longer address (https://example.com/docs/) only what is under it. Redirects are followed only when they stay on this list.</p>
      {list.length > 0 ? (
        <ul className="allow-list" aria-label="Allowed addresses">
          {list.map((u) => (
            <li key={u}>
              <span className="mono">{u}</span>
              <IconButton icon="trash" label={`Remove ${u}`} onClick={() => void save(list.filter((x) => x !== u))} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None yet: the URL reader cannot open anything.</p>
      )}
      <form
        className="allow-add"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <Field label="Add an address" error={error}>
          {(props) => <input {...props} className="input input-mono" value={draft} placeholder="https://example.com/docs/" onChange={(e) => setDraft(e.currentTarget.value)} />}
        </Field>
        <Button type="submit" icon="plus" disabled={draft.trim() === ''}>
          Allow
        </Button>
      </form>
    </section>
  );
}

function McpServers() {
  const bridge = useBridge();
  const servers = useBridgeQuery('mcp.list', {}, { refreshOn: ['mcp.changed'] });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<McpServerInfo | null>(null);
  const [refreshing, setRefreshing] = useState<string | null>(null);
  const refresh = async (id: string) => {
    setRefreshing(id);
    try {
      const { server } = await bridge.call('mcp.refresh', { id });
      if (server.status === 'error') toast.error(`${server.name} is not available`, server.error);
      else toast.success(`${server.name}: ${server.tools.length} tools`);
      servers.reload();
    } catch (err) {
      toast.error('Could not reconnect', describeError(err).message);
    } finally {
      setRefreshing(null);
    }
  };
  const list = servers.data?.servers ?? [];
  return (
    <section className="card" aria-labelledby="tools-mcp">
      <div className="card-head">
        <h2 id="tools-mcp" className="card-title">
          MCP servers
        </h2>
        <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
          Add server
        </Button>
      </div>
      <p className="card-help">Model Context Protocol servers add tools: a program Switchboard starts (stdio) or a server it connects to (HTTP). Secret values you give them are kept encrypted with your keys and never shown again.</p>
      {servers.error && !servers.data ? <ErrorNotice error={servers.error} onRetry={servers.reload} /> : null}
      {list.length === 0 && servers.data ? <p className="muted">No servers yet.</p> : null}
      <ul className="mcp-list">
        {list.map((s) => (
          <li key={s.id} className="mcp-server" data-server={s.name}>
            <div className="mcp-server-head">
              <h3 className="mcp-server-name">{s.name}</h3>
              <Badge tone={s.status === 'connected' ? 'success' : s.status === 'error' ? 'danger' : 'neutral'}>{s.status === 'connected' ? 'connected' : s.status === 'error' ? 'problem' : 'not started'}</Badge>
              <span className="footer-spacer" />
              <Button size="sm" icon="refresh" busy={refreshing === s.id} onClick={() => void refresh(s.id)}>
                Reconnect
              </Button>
              <IconButton icon="trash" label={`Remove ${s.name}`} onClick={() => setRemoving(s)} />
            </div>
            <p className="mono muted mcp-server-where">
              {s.transport === 'stdio' ? [s.command, ...(s.args ?? [])].join(' ') : s.url}
              {s.envNames?.length ? ` · env: ${s.envNames.join(', ')}` : ''}
              {s.headerNames?.length ? ` · headers: ${s.headerNames.join(', ')}` : ''}
            </p>
            {s.error ? (
              <p className="field-message is-error" role="status">
                {s.error}
              </p>
            ) : null}
            {s.tools.length > 0 ? (
              <ul className="mcp-tools" aria-label={`Tools of ${s.name}`}>
                {s.tools.map((t) => (
                  <li key={t.id}>
                    <span className="mono">{t.name}</span>
                    {t.description ? <span className="muted"> — {t.description}</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
      {adding ? <AddServerDialog onClose={() => setAdding(false)} onAdded={() => servers.reload()} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove server"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await bridge.call('mcp.remove', { id: removing.id });
            setRemoving(null);
            servers.reload();
          }}
        >
          Its tools stop working for every agent that uses them. Its saved secret values are deleted.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

interface SecretRow {
  id: number;
  name: string;
}

/** Name + hidden value rows (environment variables or headers); values are read from the inputs only when sending. */
function SecretRows({ label, rows, setRows, refs, namePlaceholder }: { label: string; rows: SecretRow[]; setRows(r: SecretRow[]): void; refs: Map<number, HTMLInputElement>; namePlaceholder: string }) {
  return (
    <fieldset className="secret-rows">
      <legend className="field-label">
        {label} <span className="field-optional">(optional)</span>
      </legend>
      {rows.map((r, i) => (
        <div key={r.id} className="secret-row">
          <input
            className="input input-mono"
            aria-label={`${label} ${i + 1} name`}
            placeholder={namePlaceholder}
            value={r.name}
            onChange={(e) => setRows(rows.map((x) => (x.id === r.id ? { ...x, name: e.currentTarget.value } : x)))}
          />
          <SecretInput
            aria-label={`${label} ${i + 1} value`}
            revealLabel="value"
            ref={(el) => {
              if (el) refs.set(r.id, el);
              else refs.delete(r.id);
            }}
          />
          <IconButton icon="trash" label={`Remove ${label.toLowerCase()} ${i + 1}`} onClick={() => setRows(rows.filter((x) => x.id !== r.id))} />
        </div>
      ))}
      <Button size="sm" icon="plus" onClick={() => setRows([...rows, { id: Date.now() + rows.length, name: '' }])}>
        Add {label.toLowerCase().replace(/s$/, '')}
      </Button>
    </fieldset>
  );
}

function AddServerDialog({ onClose, onAdded }: { onClose(): void; onAdded(): void }) {
  const bridge = useBridge();
  const [transport, setTransport] = useState<'stdio' | 'http'>('stdio');
  const [name, setName] = useState('');
  const [command, setCommand] = useState('');
  const [args, setArgs] = useState('');
  const [url, setUrl] = useState('');
  const [timeout, setTimeoutSec] = useState('30');
  const [rows, setRows] = useState<SecretRow[]>([]);
  const refs = useRef(new Map<number, HTMLInputElement>()).current;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const radio = useId();
  const field = isBridgeError(error) && typeof error.details?.field === 'string' ? error.details.field : null;
  useFocusFirstInvalid(error);
  const fieldError = (f: string) => (field === f || field?.startsWith(`${f}.`) ? fieldMessage(describeError(error).message, field) : null);

  const add = async () => {
    setBusy(true);
    setError(null);
    const secrets: Record<string, string> = {};
    for (const r of rows) if (r.name.trim() !== '') secrets[r.name.trim()] = refs.get(r.id)?.value ?? '';
    const seconds = Number(timeout);
    if (timeout.trim() !== '' && !(Number.isFinite(seconds) && seconds > 0)) {
      // Sent as nothing, a typo here would quietly become the default.
      setError(new BridgeError('VALIDATION', 'timeoutMs: Enter a number of seconds, more than 0.', { field: 'timeoutMs' }));
      setBusy(false);
      return;
    }
    const common = { name, ...(Number.isFinite(seconds) && seconds > 0 ? { timeoutMs: Math.round(seconds * 1000) } : {}) };
    const request: McpAddRequest =
      transport === 'stdio'
        ? { ...common, transport, command: command.trim(), ...(args.trim() ? { args: args.split('\n').map((a) => a.trim()).filter(Boolean) } : {}), ...(rows.length ? { env: secrets } : {}) }
        : { ...common, transport, url: url.trim(), ...(rows.length ? { headers: secrets } : {}) };
    try {
      const r = await bridge.call('mcp.add', request);
      for (const el of refs.values()) el.value = '';
      toast.success(`Added ${request.name}: ${r.tools.length} tools`);
      onAdded();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Add an MCP server"
      size="lg"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void add()}
      className="mcp-add-dialog"
      status={error && !field ? <ErrorNotice error={error} /> : undefined}
      footer={<DialogActions submitLabel="Connect and add" onCancel={onClose} busy={busy} />}
    >
      <Field label="Name" error={fieldError('name')}>
        {(props) => <input {...props} className="input" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus autoComplete="off" />}
      </Field>
      <div className="segmented" role="radiogroup" aria-label="How to reach it">
        <label className={`segmented-option ${transport === 'stdio' ? 'is-selected' : ''}`}>
          <input type="radio" name={radio} checked={transport === 'stdio'} onChange={() => setTransport('stdio')} />
          Start a program (stdio)
        </label>
        <label className={`segmented-option ${transport === 'http' ? 'is-selected' : ''}`}>
          <input type="radio" name={radio} checked={transport === 'http'} onChange={() => setTransport('http')} />
          Connect to a URL (HTTP)
        </label>
      </div>
      {transport === 'stdio' ? (
        <>
          <Field label="Command" help="The program to run, found on your PATH or given in full." error={fieldError('command')}>
            {(props) => <input {...props} className="input input-mono" value={command} placeholder="npx" onChange={(e) => setCommand(e.currentTarget.value)} />}
          </Field>
          <Field label="Arguments" optional help="One per line." error={fieldError('args')}>
            {(props) => <textarea {...props} className="input input-mono" rows={3} value={args} onChange={(e) => setArgs(e.currentTarget.value)} />}
          </Field>
          <SecretRows label="Environment variables" rows={rows} setRows={setRows} refs={refs} namePlaceholder="API_TOKEN" />
          <p className="field-help">The program gets only these variables and PATH, nothing else from your session.</p>
        </>
      ) : (
        <>
          <Field label="URL" help="Its streamable HTTP endpoint." error={fieldError('url')}>
            {(props) => <input {...props} className="input input-mono" value={url} placeholder="https://example.com/mcp" onChange={(e) => setUrl(e.currentTarget.value)} />}
          </Field>
          <SecretRows label="Headers" rows={rows} setRows={setRows} refs={refs} namePlaceholder="Authorization" />
        </>
      )}
      <Field label="Time limit per call (seconds)" error={fieldError('timeoutMs')}>
        {(props) => <input {...props} className="input" inputMode="numeric" value={timeout} onChange={(e) => setTimeoutSec(e.currentTarget.value)} />}
      </Field>
    </Dialog>
  );
}
