import { useEffect } from 'react';

/** Sets the window title for the current page ("Usage · Switchboard"). */
export function useDocumentTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Switchboard` : 'Switchboard';
  }, [title]);
}
