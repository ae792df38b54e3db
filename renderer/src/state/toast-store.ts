import { create } from 'zustand';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  message?: string;
}

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
}

let nextId = 1;
const TIMEOUT_MS: Record<ToastTone, number> = { info: 5000, success: 5000, error: 9000 };

export const useToastStore = create<ToastState>((set, get) => ({
  toasts: [],
  push: (toast) => {
    const id = nextId++;
    // At most four on screen; the oldest make room.
    set({ toasts: [...get().toasts.slice(-3), { ...toast, id }] });
    setTimeout(() => get().dismiss(id), TIMEOUT_MS[toast.tone]);
    return id;
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

/** Shorthand for components and stores outside React. */
export const toast = {
  info: (title: string, message?: string) => useToastStore.getState().push({ tone: 'info', title, ...(message ? { message } : {}) }),
  success: (title: string, message?: string) => useToastStore.getState().push({ tone: 'success', title, ...(message ? { message } : {}) }),
  error: (title: string, message?: string) => useToastStore.getState().push({ tone: 'error', title, ...(message ? { message } : {}) }),
};
