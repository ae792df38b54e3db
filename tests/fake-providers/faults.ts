import type { BodyFault, FaultDirective } from './directives.js';
import { FORMAT_OF, type Flavor, type WireError } from './types.js';

export type Decision = { type: 'error'; error: WireError } | { type: 'ok'; bodyFault: BodyFault | null };

function applies(fault: FaultDirective, flavor: Flavor): boolean {
  if (fault.scope === null) return true;
  // Azure is an OpenAI-format door, so `@openai` reaches it too; `@azure` singles it out.
  return fault.scope === flavor || fault.scope === FORMAT_OF[flavor];
}

/**
 * Decides which fault a request gets. Counted faults (`xN`) form a cycle per wire format and user text:
 * `[[fault:429x2]]` answers 429, 429, then success, then starts over, so a test can repeat it and a
 * retrying client always sees the same sequence. Several counted faults run in the order written.
 */
export class FaultBook {
  private readonly cycles = new Map<string, number>();

  decide(flavor: Flavor, userText: string, faults: FaultDirective[]): Decision {
    const mine = faults.filter((f) => applies(f, flavor));
    if (mine.length === 0) return { type: 'ok', bodyFault: null };
    const sequence = mine.filter((f) => f.times !== null).flatMap((f) => Array<FaultDirective>(f.times ?? 0).fill(f));
    const persistent = mine.find((f) => f.times === null) ?? null;
    let chosen: FaultDirective | null = persistent;
    if (sequence.length > 0) {
      const key = `${FORMAT_OF[flavor]}\u0000${userText}`;
      const position = this.cycles.get(key) ?? 0;
      if (position < sequence.length) {
        chosen = sequence[position] ?? null;
        this.cycles.set(key, position + 1);
      } else {
        this.cycles.delete(key);
      }
    }
    if (!chosen) return { type: 'ok', bodyFault: null };
    const fault = chosen.fault;
    return fault.type === 'body' ? { type: 'ok', bodyFault: fault.name } : { type: 'error', error: { kind: fault.kind, status: fault.status } };
  }

  reset(): void {
    this.cycles.clear();
  }
}
