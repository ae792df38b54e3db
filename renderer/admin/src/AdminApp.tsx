import { useEffect, useState, type ReactElement } from 'react';
import { Button } from '../../src/ui/Button.js';
import { Icon, type IconName } from '../../src/ui/Icon.js';
import { KeysView } from './KeysView.js';
import { MembersView } from './MembersView.js';
import { ModelsView } from './ModelsView.js';
import { signOut, useToken } from './session.js';
import { SignIn } from './SignIn.js';
import { TeamView } from './TeamView.js';
import { UsageView } from './UsageView.js';

const SECTIONS = [
  { id: 'usage', label: 'Usage', icon: 'chart', view: UsageView },
  { id: 'members', label: 'Members', icon: 'shield', view: MembersView },
  { id: 'keys', label: 'Keys', icon: 'key', view: KeysView },
  { id: 'models', label: 'Models', icon: 'spark', view: ModelsView },
  { id: 'team', label: 'Team', icon: 'settings', view: TeamView },
] as const satisfies ReadonlyArray<{ id: string; label: string; icon: IconName; view: () => ReactElement }>;

type SectionId = (typeof SECTIONS)[number]['id'];

function sectionFromHash(): SectionId {
  const h = window.location.hash.replace(/^#/, '');
  return (SECTIONS.find((s) => s.id === h)?.id ?? 'usage') as SectionId;
}

export function AdminApp() {
  const token = useToken();
  const [section, setSection] = useState<SectionId>(sectionFromHash);
  useEffect(() => {
    const on = () => setSection(sectionFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    document.title = `${SECTIONS.find((s) => s.id === section)!.label} · Switchboard team`;
  }, [section]);

  if (!token) return <SignIn />;
  const Active = SECTIONS.find((s) => s.id === section)!.view;
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="sidebar-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Switchboard team</span>
        </div>
        <ul className="sidebar-nav admin-nav">
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`} className={`nav-link ${s.id === section ? 'is-active' : ''}`} aria-current={s.id === section ? 'page' : undefined}>
                <Icon name={s.icon} size={17} />
                <span>{s.label}</span>
              </a>
            </li>
          ))}
        </ul>
        <div className="admin-signout">
          <Button variant="ghost" icon="lock" onClick={signOut} className="btn-block">
            Sign out
          </Button>
        </div>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <Active />
      </main>
    </div>
  );
}
