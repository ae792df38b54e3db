import { create } from 'zustand';
import { reduceTurn, type LiveTurn, type TurnEvent } from './stream-state.js';

interface TurnState {
  /** The latest turn per conversation; a settled one stays until the next begins, so the view never flashes stale text. */
  turns: Record<string, LiveTurn>;
  begin(turn: LiveTurn): void;
  apply(conversationId: string, streamId: string, events: TurnEvent[]): void;
  forget(conversationId: string, streamId: string): void;
}

/**
 * Turns running in this page, outside React so a turn keeps streaming (and is saved) when the user
 * opens another conversation. The stored message is the record; this holds what streams between saves.
 */
export const useTurnStore = create<TurnState>((set) => ({
  turns: {},
  begin: (turn) => set((s) => ({ turns: { ...s.turns, [turn.conversationId]: turn } })),
  apply: (conversationId, streamId, events) =>
    set((s) => {
      const turn = s.turns[conversationId];
      if (!turn || turn.streamId !== streamId) return s;
      const next = events.reduce(reduceTurn, turn);
      return next === turn ? s : { turns: { ...s.turns, [conversationId]: next } };
    }),
  forget: (conversationId, streamId) =>
    set((s) => {
      if (s.turns[conversationId]?.streamId !== streamId) return s;
      const { [conversationId]: _gone, ...rest } = s.turns;
      return { turns: rest };
    }),
}));

export function liveTurn(conversationId: string): LiveTurn | undefined {
  return useTurnStore.getState().turns[conversationId];
}

export function useLiveTurn(conversationId: string): LiveTurn | undefined {
  return useTurnStore((s) => s.turns[conversationId]);
}
