import { useEffect } from 'react';
import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { navigate } from '../../router/navigation.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { SETTINGS_SECTIONS } from './sections.js';

export function SettingsPage({ section }: { section: string }) {
  const current = SETTINGS_SECTIONS.find((s) => s.id === section);
  const fallback = SETTINGS_SECTIONS[0]!;
  useDocumentTitle(`${(current ?? fallback).label} · Settings`);

  // /settings and unknown sections land on the first page, with the address corrected.
  useEffect(() => {
    if (!current || window.location.pathname !== paths.settings(current.id)) {
      navigate(paths.settings((current ?? fallback).id), { replace: true });
    }
  }, [current, fallback]);

  const Active = (current ?? fallback).component;
  return (
    <div className="page settings-page">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <nav className="tabs" aria-label="Settings sections">
        {SETTINGS_SECTIONS.map((s) => {
          const active = s.id === (current ?? fallback).id;
          return (
            <Link key={s.id} to={paths.settings(s.id)} className={`tab ${active ? 'is-active' : ''}`} aria-current={active ? 'page' : undefined}>
              {s.label}
            </Link>
          );
        })}
      </nav>
      <div className="settings-body">
        <Active />
      </div>
    </div>
  );
}
