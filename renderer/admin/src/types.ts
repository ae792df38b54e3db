import type { ModelInfo, Pricing, ProviderId } from '../../../shared/contract/index.js';

/** The team server's answers the admin page reads (server/admin-api, DESIGN.md section 8). */

export interface ModelRef {
  provider: ProviderId;
  model: string;
}

export interface TeamInfo {
  name: string;
  timeZone: string;
  monthlyUsd: number | null;
  default: ModelRef | null;
  allowed: ModelRef[];
}

export type Role = 'owner' | 'admin' | 'member';

export interface MemberView {
  id: string;
  name: string;
  role: Role;
  limits: { dailyTokens: number | null; monthlyUsd: number | null };
  used: { dailyTokens: number; monthlyUsd: number };
  createdAt: string;
  tokenExpiresAt: string | null;
  lastUsedAt: string | null;
}

export interface TeamKeyView {
  id: string;
  provider: ProviderId;
  label: string;
  last4: string;
  baseUrl: string | null;
  createdAt: string;
}

export interface ModelsInfo {
  default: ModelRef | null;
  allowed: ModelRef[];
  catalog: ModelInfo[];
}

export interface UsageSums {
  calls: number;
  tokens: number;
  costUsd: number;
  unknownCostCalls: number;
}

export interface MemberUsage extends UsageSums {
  id: string;
  name: string;
  role: Role;
  removed: boolean;
  server: UsageSums;
  synced: UsageSums;
}

export interface UsageReport {
  from: string;
  to: string;
  timeZone: string;
  totals: UsageSums;
  members: MemberUsage[];
}

export interface DailyRow {
  day: string;
  memberId: string;
  provider: ProviderId;
  model: string;
  origin: 'server' | 'synced';
  calls: number;
  tokens: number;
  costUsd: number;
}

export interface DailyUsage {
  from: string;
  to: string;
  timeZone: string;
  rows: DailyRow[];
}

export type { Pricing };
