import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './routes.js';

const listeners = new Set<() => void>();

function notify(): void {
  for (const l of [...listeners]) l();
}

window.addEventListener('popstate', notify);

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const current = `${window.location.pathname}${window.location.search}`;
  if (path === current) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
  // A new page starts at the top, like a real navigation.
  if (!options.replace) document.getElementById('main')?.scrollTo({ top: 0 });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

let lastPath = '';
let lastRoute: Route = { name: 'home' };

function snapshot(): Route {
  const path = window.location.pathname;
  if (path !== lastPath) {
    lastPath = path;
    lastRoute = parseRoute(path);
  }
  return lastRoute;
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot);
}
