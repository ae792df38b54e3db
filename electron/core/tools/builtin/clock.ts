import type { ToolDefinition } from '../types.js';
import { failed } from '../types.js';

/** builtin:current_time — the date and time now, in UTC and in a time zone (the machine's by default). */
export function clockTool(now: () => number = Date.now, defaultZone: () => string = () => Intl.DateTimeFormat().resolvedOptions().timeZone): ToolDefinition {
  return {
    id: 'builtin:current_time',
    name: 'current_time',
    title: 'Current time',
    description: 'The current date and time, in UTC and in a given IANA time zone (the user’s own when none is given).',
    parameters: {
      type: 'object',
      properties: { timeZone: { type: 'string', description: 'IANA time zone, e.g. Europe/Berlin', examples: ['UTC'] } },
      additionalProperties: false,
    },
    source: 'builtin',
    async run(args) {
      const zone = typeof args.timeZone === 'string' && args.timeZone.trim() !== '' ? args.timeZone.trim() : defaultZone();
      let local: string;
      try {
        local = new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'full', timeStyle: 'long' }).format(now());
      } catch {
        return failed(`"${zone}" is not a known IANA time zone; use one like Europe/Berlin or America/New_York.`);
      }
      return { ok: true, content: JSON.stringify({ utc: new Date(now()).toISOString(), timeZone: zone, local }) };
    },
  };
}
