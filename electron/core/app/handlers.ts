import type { MethodName, MethodResponse, ParsedRequest } from '../../../shared/contract/index.js';
import type { CallContext } from './context.js';

export type Handler<M extends MethodName> = (request: ParsedRequest<M>, ctx: CallContext) => Promise<MethodResponse<M>> | MethodResponse<M>;

export type HandlerMap = { [M in MethodName]: Handler<M> };

/** Handlers for a subset of the contract, supplied by one service area. */
export type PartialHandlers<M extends MethodName> = { [K in M]: Handler<K> };
