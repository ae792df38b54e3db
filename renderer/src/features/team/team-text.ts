import type { TeamModelRef, TeamStatus } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import { relativeTime } from '../../ui/format.js';
import { plural } from '../usage/money.js';

/** "OpenAI · gpt-4o-mini". */
export function teamModelLabel(ref: TeamModelRef): string {
  return `${providerSpec(ref.provider).name} · ${ref.model}`;
}

/** "Team · openai/gpt-4o-mini": how a team model reads beside the member's own in the picker. */
export function teamPickerLabel(ref: TeamModelRef): string {
  return `Team · ${ref.provider}/${ref.model}`;
}

/** The server's host, for headings ("team.example.com"). */
export function hostOf(url: string | null): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export type SyncTone = 'ok' | 'waiting' | 'problem' | 'off';

/** One sentence on the upload state, and how it should look. */
export function syncSummary(sync: TeamStatus['sync'], now: number, zone: string): { tone: SyncTone; text: string } {
  if (!sync.sharing) return { tone: 'off', text: 'Sharing is off: the usage of your own keys stays on this computer.' };
  const waiting = sync.pending > 0 ? `${plural(sync.pending, 'call', 'calls')} waiting to upload.` : 'Everything is uploaded.';
  if (sync.lastError) {
    const retry = sync.nextAttemptAt ? ` Next try ${untilText(sync.nextAttemptAt, now)}.` : '';
    return { tone: 'problem', text: `${waiting} The last upload failed: ${sync.lastError.message}${retry}` };
  }
  const last = sync.lastSyncAt ? ` Last checked ${relativeTime(sync.lastSyncAt, now, zone)}.` : '';
  return { tone: sync.pending > 0 ? 'waiting' : 'ok', text: `${waiting}${last}` };
}

/** Whether the connection needs the member's attention, and why (token gone, server unreachable). */
export function connectionProblem(status: TeamStatus): string | null {
  if (!status.connected) return null;
  if (!status.tokenAvailable) return 'The member token is not available any more (it was kept for an earlier session only, or your keys are locked). Connect again with your token.';
  if (status.lastError) return status.lastError.message;
  return null;
}

/** A time ahead, roughly: "in a few seconds", "in 3 min", "in 2 h". */
export function untilText(at: number, now: number): string {
  const s = Math.round((at - now) / 1000);
  if (s < 15) return 'in a few seconds';
  if (s < 90) return `in ${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `in ${min} min`;
  return `in ${Math.round(min / 60)} h`;
}
