import { create } from 'zustand';

interface NewConversationState {
  open: boolean;
  show(): void;
  hide(): void;
}

/** Whether the "New conversation" dialog is open; any "New conversation" button opens the same one. */
export const useNewConversation = create<NewConversationState>((set) => ({
  open: false,
  show: () => set({ open: true }),
  hide: () => set({ open: false }),
}));

export function openNewConversation(): void {
  useNewConversation.getState().show();
}
