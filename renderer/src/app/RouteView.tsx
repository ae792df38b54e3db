import { lazy, Suspense } from 'react';
import { AboutPage } from '../features/about/AboutPage.js';
import { ConversationPage } from '../features/conversations/ConversationPage.js';
import { HomePage } from '../features/home/HomePage.js';
import { SettingsPage } from '../features/settings/SettingsPage.js';
import { useRoute } from '../router/navigation.js';
import { Link } from '../router/Link.js';
import { routePath } from '../router/routes.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { useDocumentTitle } from './useDocumentTitle.js';

// The dashboard carries the chart library; loading it on first visit keeps the first paint small.
const UsagePage = lazy(() => import('../features/usage/UsagePage.js').then((m) => ({ default: m.UsagePage })));
const AgentsPage = lazy(() => import('../features/agents/AgentsPage.js').then((m) => ({ default: m.AgentsPage })));
const ModelsPage = lazy(() => import('../features/catalog/ModelsPage.js').then((m) => ({ default: m.ModelsPage })));

/** Maps the current route to its page. New top-level pages (model catalog, …) are added here and in routes.ts. */
export function RouteView() {
  const route = useRoute();
  let page;
  switch (route.name) {
    case 'home':
      page = <HomePage />;
      break;
    case 'conversation':
      page = <ConversationPage id={route.id} />;
      break;
    case 'settings':
      page = <SettingsPage section={route.section} />;
      break;
    case 'usage':
      page = <UsagePage />;
      break;
    case 'models':
      page = <ModelsPage />;
      break;
    case 'agents':
      page = <AgentsPage />;
      break;
    case 'about':
      page = <AboutPage />;
      break;
    case 'not-found':
      page = <NotFound />;
      break;
  }
  return (
    <ErrorBoundary key={routePath(route)} compact>
      <Suspense fallback={<div className="page" aria-busy="true" />}>{page}</Suspense>
    </ErrorBoundary>
  );
}

function NotFound() {
  useDocumentTitle('Not found');
  return (
    <div className="page page-centered">
      <div className="empty-state">
        <h1>Nothing here</h1>
        <p>This address does not match a page in Switchboard.</p>
        <Link to="/" className="btn btn-primary">
          Go to the start page
        </Link>
      </div>
    </div>
  );
}
