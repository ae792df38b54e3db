import { z } from 'zod';
import {
  AgentsDeleteRequest,
  AgentsDeleteResponse,
  AgentsDuplicateRequest,
  AgentsDuplicateResponse,
  AgentsExportRequest,
  AgentsExportResponse,
  AgentsImportRequest,
  AgentsImportResponse,
  AgentsListRequest,
  AgentsListResponse,
  AgentsPowerLevelsRequest,
  AgentsPowerLevelsResponse,
  AgentsSaveRequest,
  AgentsSaveResponse,
} from './agents.js';
import { AppInfo, LedgerResetResponse, Settings, SettingsPatch, VaultStatus } from './app.js';
import {
  ChatCancelRequest,
  ChatCancelResponse,
  ChatEstimateRequest,
  ChatEstimateResponse,
  ChatSendRequest,
  ChatSendResponse,
  ChatSkipRequest,
  ChatSkipResponse,
  ChatSystemDefaultRequest,
  ChatSystemDefaultResponse,
  SessionsCloseRequest,
  SessionsCloseResponse,
  SessionsListRequest,
  SessionsListResponse,
  SessionsOpenRequest,
  SessionsOpenResponse,
} from './chat.js';
import {
  KeysAddRequest,
  KeysAddResponse,
  KeysAuditRequest,
  KeysAuditResponse,
  KeysDeleteRequest,
  KeysDeleteResponse,
  KeysListRequest,
  KeysListResponse,
  KeysTestDraftRequest,
  KeysTestRequest,
  KeysTestResponse,
  KeysUpdateRequest,
  KeysUpdateResponse,
  VaultProtectRequest,
  VaultResetRequest,
  VaultUnlockRequest,
} from './keys.js';
import { LimitsGetRequest, LimitsGetResponse, LimitsSetRequest, LimitsSetResponse } from './limits.js';
import {
  ModelsListRequest,
  ModelsListResponse,
  ModelsRefreshRequest,
  ModelsRefreshResponse,
  ModelsUpdatePricesRequest,
  ModelsUpdatePricesResponse,
  ModelsSetPriceRequest,
  ModelsSetPriceResponse,
  ProvidersListRequest,
  ProvidersListResponse,
} from './models.js';
import {
  TeamConnectRequest,
  TeamConnectResponse,
  TeamDisconnectRequest,
  TeamDisconnectResponse,
  TeamSetSharingRequest,
  TeamStatus,
  TeamStatusRequest,
  TeamSyncRequest,
  TeamSyncResponse,
} from './team.js';
import {
  ChatApproveToolRequest,
  ChatApproveToolResponse,
  McpAddRequest,
  McpAddResponse,
  McpListRequest,
  McpListResponse,
  McpRefreshRequest,
  McpRefreshResponse,
  McpRemoveRequest,
  McpRemoveResponse,
  ToolsListRequest,
  ToolsListResponse,
} from './tools.js';
import {
  UsageExportCsvRequest,
  UsageExportCsvResponse,
  UsageQueryRequest,
  UsageQueryResponse,
  UsageRecordsRequest,
  UsageRecordsResponse,
  UsageSetSessionTitlesRequest,
  UsageSessionTitlesRequest,
  UsageSessionTitlesResponse,
  UsageSetSessionTitlesResponse,
} from './usage.js';

interface MethodSpec<Req extends z.ZodType, Res extends z.ZodType> {
  request: Req;
  response: Res;
  /** "download": the web host streams the answer as a file; Electron shows a save dialog. */
  kind?: 'download';
  /** Credential operations: audited and never logged with their input. */
  sensitive?: boolean;
}

const m = <Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  extra: Omit<MethodSpec<Req, Res>, 'request' | 'response'> = {},
): MethodSpec<Req, Res> => ({ request, response, ...extra });

const Empty = z.object({}).strict();

/**
 * Every method the renderer may call. Electron IPC, the preload bridge and the web host are all
 * generated from this one table; names here are part of the stable surface (DESIGN.md section 2).
 */
export const contract = {
  'app.info': m(Empty, AppInfo),
  'settings.get': m(Empty, Settings),
  'settings.set': m(SettingsPatch, Settings),

  'vault.status': m(Empty, VaultStatus),
  'vault.unlock': m(VaultUnlockRequest, VaultStatus, { sensitive: true }),
  'vault.protect': m(VaultProtectRequest, VaultStatus, { sensitive: true }),
  'vault.reset': m(VaultResetRequest, VaultStatus, { sensitive: true }),

  'keys.add': m(KeysAddRequest, KeysAddResponse, { sensitive: true }),
  'keys.list': m(KeysListRequest, KeysListResponse),
  'keys.update': m(KeysUpdateRequest, KeysUpdateResponse, { sensitive: true }),
  'keys.test': m(KeysTestRequest, KeysTestResponse),
  'keys.testDraft': m(KeysTestDraftRequest, KeysTestResponse, { sensitive: true }),
  'keys.delete': m(KeysDeleteRequest, KeysDeleteResponse),
  'keys.audit': m(KeysAuditRequest, KeysAuditResponse),

  'providers.list': m(ProvidersListRequest, ProvidersListResponse),
  'models.list': m(ModelsListRequest, ModelsListResponse),
  'models.setPrice': m(ModelsSetPriceRequest, ModelsSetPriceResponse),
  'models.refresh': m(ModelsRefreshRequest, ModelsRefreshResponse),
  'models.updatePrices': m(ModelsUpdatePricesRequest, ModelsUpdatePricesResponse),

  'sessions.open': m(SessionsOpenRequest, SessionsOpenResponse),
  'sessions.close': m(SessionsCloseRequest, SessionsCloseResponse),
  'sessions.list': m(SessionsListRequest, SessionsListResponse),

  'chat.send': m(ChatSendRequest, ChatSendResponse),
  'chat.cancel': m(ChatCancelRequest, ChatCancelResponse),
  'chat.skip': m(ChatSkipRequest, ChatSkipResponse),
  'chat.estimate': m(ChatEstimateRequest, ChatEstimateResponse),
  'chat.systemDefault': m(ChatSystemDefaultRequest, ChatSystemDefaultResponse),
  'chat.approveTool': m(ChatApproveToolRequest, ChatApproveToolResponse),

  'agents.list': m(AgentsListRequest, AgentsListResponse),
  'agents.save': m(AgentsSaveRequest, AgentsSaveResponse),
  'agents.delete': m(AgentsDeleteRequest, AgentsDeleteResponse),
  'agents.duplicate': m(AgentsDuplicateRequest, AgentsDuplicateResponse),
  'agents.export': m(AgentsExportRequest, AgentsExportResponse),
  'agents.import': m(AgentsImportRequest, AgentsImportResponse),
  'agents.powerLevels': m(AgentsPowerLevelsRequest, AgentsPowerLevelsResponse),

  'tools.list': m(ToolsListRequest, ToolsListResponse),
  // Environment values and header values of MCP servers may be secrets: never logged with their input.
  'mcp.add': m(McpAddRequest, McpAddResponse, { sensitive: true }),
  'mcp.list': m(McpListRequest, McpListResponse),
  'mcp.remove': m(McpRemoveRequest, McpRemoveResponse),
  'mcp.refresh': m(McpRefreshRequest, McpRefreshResponse),

  'usage.query': m(UsageQueryRequest, UsageQueryResponse),
  'usage.records': m(UsageRecordsRequest, UsageRecordsResponse),
  'usage.exportCsv': m(UsageExportCsvRequest, UsageExportCsvResponse, { kind: 'download' }),
  'usage.setSessionTitles': m(UsageSetSessionTitlesRequest, UsageSetSessionTitlesResponse),
  /** Titles of sessions as last reported (ids unknown or deleted are left out). */
  'usage.sessionTitles': m(UsageSessionTitlesRequest, UsageSessionTitlesResponse),

  'limits.get': m(LimitsGetRequest, LimitsGetResponse),
  'limits.set': m(LimitsSetRequest, LimitsSetResponse),

  /** Moves a damaged usage.db aside (kept, never deleted) and starts a new, empty ledger. */
  'ledger.reset': m(Empty, LedgerResetResponse),

  'team.connect': m(TeamConnectRequest, TeamConnectResponse, { sensitive: true }),
  'team.status': m(TeamStatusRequest, TeamStatus),
  'team.disconnect': m(TeamDisconnectRequest, TeamDisconnectResponse),
  'team.sync': m(TeamSyncRequest, TeamSyncResponse),
  'team.setSharing': m(TeamSetSharingRequest, TeamStatus),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodRequest<M extends MethodName> = z.input<Contract[M]['request']>;
export type ParsedRequest<M extends MethodName> = z.output<Contract[M]['request']>;
export type MethodResponse<M extends MethodName> = z.output<Contract[M]['response']>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Whether a method answers with a file (kind "download"): a save dialog in Electron, a file stream from the web host. */
export function isDownloadMethod(name: string): boolean {
  return isMethodName(name) && contract[name].kind === 'download';
}
