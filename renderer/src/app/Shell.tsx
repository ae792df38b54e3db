import { Sidebar } from './Sidebar.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { RouteView } from './RouteView.js';
import { FileNoticesBanner } from '../features/data-files/FileNoticesBanner.js';
import { LimitBanner } from '../features/usage/LimitBanner.js';
import { SessionTitleSync } from '../features/conversations/SessionTitleSync.js';

export function Shell() {
  return (
    <div className="app-shell">
      <SessionTitleSync />
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar />
      <main id="main" className="main" tabIndex={-1}>
        <ConnectionBanner />
        <FileNoticesBanner />
        <LimitBanner />
        <RouteView />
      </main>
    </div>
  );
}
