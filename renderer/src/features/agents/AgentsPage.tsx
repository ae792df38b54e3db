import { useRef, useState } from 'react';
import type { Agent } from '../../../../shared/contract/index.js';
import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { useBridge } from '../../bridge/context.js';
import { describeError, fieldMessage, isBridgeError } from '../../bridge/errors.js';
import { saveBlob } from '../../bridge/download.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { toast } from '../../state/toast-store.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Callout } from '../../ui/Callout.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { openNewConversation } from '../conversations/new-conversation.js';
import { describeAgentModel, LEVEL_LABEL } from './agent-format.js';
import { AgentEditor } from './AgentEditor.js';
import { usePowerLevels } from './PowerLevelPicker.js';

const REFRESH = ['agents.changed', 'keys.changed', 'mcp.changed'] as const;

/** Agents: the built-ins and the user's own, with their model and tools; create, edit, duplicate, export, import. */
export function AgentsPage() {
  useDocumentTitle('Agents');
  const bridge = useBridge();
  const agents = useBridgeQuery('agents.list', {}, { refreshOn: REFRESH });
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: ['keys.changed'] });
  const levels = usePowerLevels();
  const tools = useBridgeQuery('tools.list', {}, { refreshOn: ['mcp.changed'] });
  const [editing, setEditing] = useState<Agent | null | 'new'>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const list = agents.data?.agents ?? [];
  const toolTitle = (id: string) => tools.data?.tools.find((t) => t.id === id)?.title ?? id;

  const exportAgents = async (ids?: string[]) => {
    try {
      const { document } = await bridge.call('agents.export', ids ? { ids } : {});
      const name = ids && ids.length === 1 ? `${document.agents[0]!.name.replace(/[^\w.-]+/g, '-').toLowerCase()}.agent.json` : 'switchboard-agents.json';
      saveBlob(new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }), name);
    } catch (err) {
      toast.error('Could not export', describeError(err).message);
    }
  };

  const importFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      toast.error('Could not import', `${file.name} is not valid JSON (it may be cut short or not a JSON file).`);
      return;
    }
    try {
      const { names } = await bridge.call('agents.import', { document: parsed });
      toast.success(`Imported ${names.length === 1 ? `“${names[0]}”` : `${names.length} agents`}`);
    } catch (err) {
      toast.error('Could not import', importProblem(file.name, parsed, err));
    }
  };

  const duplicate = async (a: Agent) => {
    try {
      await bridge.call('agents.duplicate', { id: a.id });
      toast.success(`Duplicated “${a.name}”`);
    } catch (err) {
      toast.error('Could not duplicate', describeError(err).message);
    }
  };

  return (
    <div className="page agents-page">
      <header className="page-header page-header-row">
        <div>
          <h1>Agents</h1>
          <p className="page-subtitle muted">Named assistants: instructions, a model or a power level, and the tools they may use.</p>
        </div>
        <div className="page-actions">
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json"
            className="visually-hidden"
            aria-label="Agent file to import"
            tabIndex={-1}
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (f) void importFile(f);
            }}
          />
          <Button icon="download" onClick={() => fileRef.current?.click()}>
            Import
          </Button>
          <Button onClick={() => void exportAgents()} disabled={!list.some((a) => !a.builtin)}>
            Export mine
          </Button>
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
            New agent
          </Button>
        </div>
      </header>

      {agents.data?.notice ? <Callout tone="warning" title="Your agents could not be loaded">{agents.data.notice}</Callout> : null}
      {agents.error && !agents.data ? <ErrorNotice error={agents.error} onRetry={agents.reload} /> : null}

      <ul className="agent-list" aria-label="Agents" aria-busy={!agents.data}>
        {list.map((a) => (
          <li key={a.id} className="card agent-card" data-agent={a.name}>
            <div className="agent-card-main">
              <h2 className="agent-name">
                {a.name} {a.builtin ? <Badge tone="neutral">built-in</Badge> : null}
                {a.powerLevel && !a.target ? <Badge tone="info">{LEVEL_LABEL[a.powerLevel]}</Badge> : null}
              </h2>
              {a.description ? <p className="agent-desc">{a.description}</p> : null}
              <p className="agent-model">
                <span className="muted">Model: </span>
                {describeAgentModel(a, keys.data?.keys ?? [], levels.data?.levels)}
              </p>
              {a.tools.length > 0 ? (
                <p className="agent-tools">
                  <span className="muted">Tools: </span>
                  {a.tools.map(toolTitle).join(', ')}
                </p>
              ) : null}
            </div>
            <div className="agent-card-actions">
              <Button size="sm" variant="primary" icon="chat" onClick={() => openNewConversation(a.id)}>
                Chat
              </Button>
              {a.builtin ? null : (
                <Button size="sm" icon="pencil" onClick={() => setEditing(a)} aria-label={`Edit ${a.name}`}>
                  Edit
                </Button>
              )}
              <Button size="sm" icon="copy" onClick={() => void duplicate(a)} aria-label={`Duplicate ${a.name}`}>
                Duplicate
              </Button>
              <Button size="sm" variant="ghost" onClick={() => void exportAgents([a.id])} aria-label={`Export ${a.name}`}>
                Export
              </Button>
              {a.builtin ? null : (
                <Button size="sm" variant="ghost" icon="trash" onClick={() => setDeleting(a)} aria-label={`Delete ${a.name}`}>
                  Delete
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>

      {editing ? <AgentEditor agent={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => toast.success('Agent saved')} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          confirmLabel="Delete agent"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await bridge.call('agents.delete', { id: deleting.id });
            setDeleting(null);
            toast.success('Agent deleted');
          }}
        >
          Conversations that used it keep their messages; to continue one, choose another model for it. Its usage stays in the ledger under its name.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/**
 * Why a file was refused, for a person: a file that is no agents export at all says so (the core's
 * field-by-field answer would list every key of, say, a package.json); an export with one wrong
 * agent names the agent's field.
 */
function importProblem(fileName: string, parsed: unknown, err: unknown): string {
  if (!isBridgeError(err) || err.code !== 'VALIDATION') return describeError(err).message;
  const looksLikeExport = typeof parsed === 'object' && parsed !== null && 'format' in parsed;
  const looksLikeAgent = typeof parsed === 'object' && parsed !== null && 'name' in parsed && 'instructions' in parsed;
  if (!looksLikeExport && !looksLikeAgent) return `${fileName} is not an agents file. Import takes what Export or Export mine on this page saved.`;
  const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
  return `${fileName}: ${field ? `${field.replace(/^document\./, '')}: ${fieldMessage(err.message, field)}` : err.message}`;
}
