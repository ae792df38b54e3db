import { describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../../shared/contract/index.js';
import { toChatTarget, targetLabel } from '../../../renderer/src/features/conversations/targets.js';
import { choiceFromTarget, choiceValue, targetFromChoice } from '../../../renderer/src/features/models/model-options.js';
import { problemsOf } from '../../../renderer/src/features/settings/team/connect-errors.js';
import { BridgeError } from '../../../renderer/src/bridge/errors.js';
import { connectionProblem, syncSummary, teamPickerLabel, untilText } from '../../../renderer/src/features/team/team-text.js';

const sync = (over: Partial<TeamStatus['sync']> = {}): TeamStatus['sync'] => ({ sharing: true, lastSyncAt: null, pending: 0, uploaded: 0, nextAttemptAt: null, lastError: null, ...over });

describe('team models in the picker', () => {
  it('a team model is a conversation target routed through the team key of its provider', () => {
    const res = targetFromChoice({ kind: 'team', provider: 'openai', model: 'gpt-4.1-mini' }, [], {}, {});
    expect('target' in res).toBe(true);
    const target = (res as { target: Parameters<typeof toChatTarget>[0] }).target;
    expect(toChatTarget(target)).toEqual({ keyId: 'team:openai', model: 'gpt-4.1-mini' });
    expect(targetLabel(target)).toBe('OpenAI · gpt-4.1-mini (Team)');
    expect(choiceFromTarget(target, []).choice).toEqual({ kind: 'team', provider: 'openai', model: 'gpt-4.1-mini' });
    expect(choiceValue({ kind: 'team', provider: 'openai', model: 'gpt-4.1-mini' })).not.toBe(choiceValue({ kind: 'model', provider: 'openai', model: 'gpt-4.1-mini' }));
    expect(teamPickerLabel({ provider: 'anthropic', model: 'claude-haiku-4-5' })).toBe('Team · anthropic/claude-haiku-4-5');
  });
});

describe('Settings → Team text', () => {
  const now = Date.UTC(2026, 11, 7, 12);
  it('says what the upload is doing', () => {
    expect(syncSummary(sync({ sharing: false }), now, 'UTC')).toMatchObject({ tone: 'off' });
    expect(syncSummary(sync({ pending: 2, lastSyncAt: now - 5 * 60_000 }), now, 'UTC')).toEqual({ tone: 'waiting', text: '2 calls waiting to upload. Last checked 5 min ago.' });
    const failed = syncSummary(sync({ pending: 1, lastError: { code: 'NETWORK', message: 'Could not reach x.', at: now }, nextAttemptAt: now + 120_000 }), now, 'UTC');
    expect(failed).toEqual({ tone: 'problem', text: '1 call waiting to upload. The last upload failed: Could not reach x. Next try in 2 min.' });
    expect(untilText(now + 5_000, now)).toBe('in a few seconds');
  });

  it('a missing token asks to connect again', () => {
    const base = { connected: true, tokenAvailable: false, lastError: null } as TeamStatus;
    expect(connectionProblem(base)).toMatch(/Connect again/);
    expect(connectionProblem({ ...base, tokenAvailable: true })).toBeNull();
  });

  it('a failed connect points at the field the core named', () => {
    expect(problemsOf(new BridgeError('KEY_INVALID', 'did not accept this member token', { field: 'token' })).token).toMatch(/did not accept/);
    expect(problemsOf(new BridgeError('VALIDATION', 'Invalid team.connect request: url: enter the server address', { field: 'url' })).url).toBe('Enter the server address');
    expect(problemsOf(new BridgeError('INTERNAL', 'boom')).other).toBeInstanceOf(BridgeError);
  });
});
