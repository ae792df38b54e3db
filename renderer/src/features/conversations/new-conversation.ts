import { create } from 'zustand';

interface NewConversationState {
  open: boolean;
  /** The agent to start with when opened from an agent ("Chat"). */
  agentId: string | null;
  show(agentId?: string): void;
  hide(): void;
}

/** Whether the "New conversation" dialog is open; any "New conversation" button opens the same one. */
export const useNewConversation = create<NewConversationState>((set) => ({
  open: false,
  agentId: null,
  show: (agentId) => set({ open: true, agentId: agentId ?? null }),
  hide: () => set({ open: false, agentId: null }),
}));

export function openNewConversation(agentId?: string): void {
  useNewConversation.getState().show(agentId);
}
