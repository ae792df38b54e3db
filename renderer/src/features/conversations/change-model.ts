import { create } from 'zustand';

/** Which conversation's "Change model" dialog is open: the header button and the chat's banners open the same one. */
export const useChangeModel = create<{ conversationId: string | null; set(conversationId: string | null): void }>((set) => ({
  conversationId: null,
  set: (conversationId) => set({ conversationId }),
}));

export function openChangeModel(conversationId: string): void {
  useChangeModel.getState().set(conversationId);
}
