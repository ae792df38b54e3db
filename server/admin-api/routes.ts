import { isValidTimeZone } from '../../shared/time-zone.js';
import { ApiError } from '../http/errors.js';
import { parseWith, readJson } from '../http/body.js';
import { Status, type Route } from '../http/routes.js';
import type { Services } from '../services.js';
import { modelKey } from '../team/team-settings.js';
import { teamCsv } from '../usage/csv.js';
import { parseRange } from '../usage/range.js';
import { dailyUsage, usageReport } from '../usage/report.js';
import { AddKey, CreateMember, IdParam, IssueToken, SetLimits, SetModels, UpdateTeam } from './schemas.js';

const BODY = 64 * 1024;

/** The admin API (owner or admin token), DESIGN.md section 8. */
export function adminRoutes(s: Services): Route[] {
  const id = (params: Record<string, string>) => parseWith(IdParam, { id: params.id }, 'path').id;
  return [
    {
      method: 'GET',
      path: '/api/admin/team',
      access: 'admin',
      handle: async () => {
        const t = await s.settings.get();
        return { name: t.name, timeZone: t.timeZone, monthlyUsd: t.monthlyUsdNano === null ? null : t.monthlyUsdNano / 1e9, default: t.default, allowed: t.allowed };
      },
    },
    {
      method: 'PUT',
      path: '/api/admin/team',
      access: 'admin',
      handle: async ({ req, member }) => {
        const body = parseWith(UpdateTeam, await readJson(req, BODY));
        if (body.timeZone !== undefined && !(isValidTimeZone(body.timeZone) && (await s.validTimeZone(body.timeZone)))) {
          throw new ApiError(400, 'VALIDATION', `timeZone: "${body.timeZone}" is not an IANA time zone (like Europe/Berlin or UTC).`, { param: 'timeZone' });
        }
        await s.settings.update(member.id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.timeZone !== undefined ? { timeZone: body.timeZone } : {}),
          ...(body.monthlyUsd !== undefined ? { monthlyUsdNano: body.monthlyUsd === null ? null : Math.round(body.monthlyUsd * 1e9) } : {}),
        });
        const t = await s.settings.get();
        return { name: t.name, timeZone: t.timeZone, monthlyUsd: t.monthlyUsdNano === null ? null : t.monthlyUsdNano / 1e9 };
      },
    },
    {
      method: 'GET',
      path: '/api/admin/members',
      access: 'admin',
      handle: async () => {
        await s.settled();
        return { members: await s.members.list() };
      },
    },
    {
      method: 'POST',
      path: '/api/admin/members',
      access: 'admin',
      handle: async ({ req, member }) => {
        const body = parseWith(CreateMember, await readJson(req, BODY));
        return new Status(201, await s.members.create(member, body));
      },
    },
    {
      method: 'PUT',
      path: '/api/admin/members/:id/limits',
      access: 'admin',
      handle: async ({ req, member, params }) => {
        const target = id(params);
        const body = parseWith(SetLimits, await readJson(req, BODY));
        return s.members.setLimits(member, target, body);
      },
    },
    {
      method: 'POST',
      path: '/api/admin/members/:id/token',
      access: 'admin',
      handle: async ({ req, member, params }) => {
        const target = id(params);
        const body = parseWith(IssueToken, await readJson(req, BODY));
        return new Status(201, await s.members.issueToken(member, target, body.expiresInDays));
      },
    },
    {
      method: 'DELETE',
      path: '/api/admin/members/:id',
      access: 'admin',
      handle: async ({ member, params }) => {
        await s.members.remove(member, id(params));
        return new Status(204, null);
      },
    },
    { method: 'GET', path: '/api/admin/keys', access: 'admin', handle: async () => ({ keys: await s.keys.views() }) },
    {
      method: 'POST',
      path: '/api/admin/keys',
      access: 'admin',
      handle: async ({ req, member }) => {
        const body = parseWith(AddKey, await readJson(req, BODY));
        const added = await s.keys.add(member, body);
        return new Status(201, { id: added.id, test: { ok: added.test.ok, latencyMs: added.test.latencyMs, ...(added.test.modelCount !== undefined ? { modelCount: added.test.modelCount } : {}) } });
      },
    },
    {
      method: 'DELETE',
      path: '/api/admin/keys/:id',
      access: 'admin',
      handle: async ({ member, params }) => {
        await s.keys.remove(member, id(params));
        return new Status(204, null);
      },
    },
    {
      method: 'GET',
      path: '/api/admin/models',
      access: 'admin',
      handle: async () => {
        const t = await s.settings.get();
        const providers = await s.keys.providers();
        return { default: t.default, allowed: t.allowed, catalog: s.catalog.list().filter((m) => providers.has(m.provider)) };
      },
    },
    {
      method: 'PUT',
      path: '/api/admin/models',
      access: 'admin',
      handle: async ({ req, member }) => {
        const body = parseWith(SetModels, await readJson(req, BODY));
        const providers = await s.keys.providers();
        const all = [{ m: body.default, field: 'default.provider' }, ...(body.allowed ?? []).map((m, i) => ({ m, field: `allowed[${i}].provider` }))];
        for (const { m, field } of all) {
          if (!providers.has(m.provider)) {
            throw new ApiError(400, 'VALIDATION', `${field}: the team has no ${m.provider} key; add one under Keys first.`, { param: field });
          }
          // Budgets are kept in USD: a model without a known price would refuse every member's call.
          const modelField = field.replace(/provider$/, 'model');
          if (!s.catalog.find(m.provider, m.model)?.pricing) {
            throw new ApiError(400, 'VALIDATION', `${modelField}: ${m.provider}/${m.model} has no known price, so members' USD budgets could not be kept for it; choose a model from the list.`, { param: modelField });
          }
        }
        await s.settings.setModels(member.id, body.default, body.allowed);
        const t = await s.settings.get();
        return { default: t.default, allowed: t.allowed, usable: (await s.settings.usable()).map(modelKey) };
      },
    },
    {
      method: 'GET',
      path: '/api/admin/usage',
      access: 'admin',
      handle: async ({ url }) => {
        const range = parseRange(url.searchParams, (await s.settings.get()).timeZone);
        await s.settled();
        return usageReport(s.db, range);
      },
    },
    {
      method: 'GET',
      path: '/api/admin/usage/daily',
      access: 'admin',
      handle: async ({ url }) => {
        const range = parseRange(url.searchParams, (await s.settings.get()).timeZone);
        await s.settled();
        return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), timeZone: range.timeZone, rows: await dailyUsage(s.db, range) };
      },
    },
    {
      method: 'GET',
      path: '/api/admin/usage.csv',
      access: 'admin',
      handle: async ({ url, req, res }) => {
        const range = parseRange(url.searchParams, (await s.settings.get()).timeZone);
        await s.settled();
        const csv = teamCsv(s.db, range);
        await s.streamDownload(req, res, csv);
        return undefined;
      },
    },
    {
      method: 'GET',
      path: '/api/admin/audit',
      access: 'admin',
      handle: async () => {
        const r = await s.db.query<{ time: Date; actor: string | null; action: string; subject: string | null; detail: unknown }>(
          'SELECT time, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT 200',
        );
        return { entries: r.rows.map((e) => ({ ...e, time: e.time.toISOString() })) };
      },
    },
  ];
}
