/** The app's places. Paths are real URLs (the host serves index.html for unknown extension-less paths). */
export type Route =
  | { name: 'home' }
  | { name: 'conversation'; id: string }
  | { name: 'settings'; section: string }
  | { name: 'usage' }
  | { name: 'agents' }
  | { name: 'models' }
  | { name: 'about' }
  | { name: 'not-found'; path: string };

export const DEFAULT_SETTINGS_SECTION = 'keys';

function decodeSegment(segment: string): string | null {
  try {
    const value = decodeURIComponent(segment);
    return value === '' ? null : value;
  } catch {
    return null;
  }
}

export function parseRoute(pathname: string): Route {
  const clean = pathname.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  const parts = clean.split('/').slice(1);
  const [head, second, ...rest] = parts;
  switch (head) {
    case '':
    case undefined:
      return { name: 'home' };
    case 'conversations': {
      if (second === undefined) return { name: 'home' };
      const id = decodeSegment(second);
      return id !== null && rest.length === 0 ? { name: 'conversation', id } : { name: 'not-found', path: pathname };
    }
    case 'settings': {
      if (second === undefined) return { name: 'settings', section: DEFAULT_SETTINGS_SECTION };
      const section = decodeSegment(second);
      return section !== null && rest.length === 0 ? { name: 'settings', section } : { name: 'not-found', path: pathname };
    }
    case 'usage':
      return second === undefined ? { name: 'usage' } : { name: 'not-found', path: pathname };
    case 'models':
      return second === undefined ? { name: 'models' } : { name: 'not-found', path: pathname };
    case 'agents':
      return second === undefined ? { name: 'agents' } : { name: 'not-found', path: pathname };
    case 'about':
      return second === undefined ? { name: 'about' } : { name: 'not-found', path: pathname };
    default:
      return { name: 'not-found', path: pathname };
  }
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'home':
      return '/';
    case 'conversation':
      return `/conversations/${encodeURIComponent(route.id)}`;
    case 'settings':
      return `/settings/${encodeURIComponent(route.section)}`;
    case 'usage':
      return '/usage';
    case 'models':
      return '/models';
    case 'agents':
      return '/agents';
    case 'about':
      return '/about';
    case 'not-found':
      return route.path;
  }
}

export const paths = {
  home: () => '/',
  conversation: (id: string) => routePath({ name: 'conversation', id }),
  settings: (section: string = DEFAULT_SETTINGS_SECTION) => routePath({ name: 'settings', section }),
  usage: () => '/usage',
  models: () => '/models',
  agents: () => '/agents',
  about: () => '/about',
};

export interface ClickLike {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}

/** A plain left click on a same-tab link is handled by the router; modified clicks keep browser behaviour. */
export function isPlainLeftClick(event: ClickLike): boolean {
  return !event.defaultPrevented && event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** True when `href` is a path inside the app (not another origin, not a file or API route). */
export function isAppPath(href: string): boolean {
  return href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/api/');
}
