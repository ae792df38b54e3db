import type { ComponentType } from 'react';
import { GeneralSettings } from './GeneralSettings.js';
import { ProvidersKeysPage } from './keys/ProvidersKeysPage.js';
import { LimitsPage } from './limits/LimitsPage.js';
import { TeamPage } from './team/TeamPage.js';
import { ToolsSettings } from './tools/ToolsSettings.js';

export interface SettingsSection {
  /** The URL segment: /settings/<id>. */
  id: string;
  label: string;
  component: ComponentType;
}

/**
 * Settings sub-pages in navigation order. Add one entry to add a page, e.g. the limits page:
 * `{ id: 'limits', label: 'Limits & time zone', component: LimitsPage }` (the route /settings/limits
 * already parses).
 */
export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'keys', label: 'Providers & Keys', component: ProvidersKeysPage },
  { id: 'limits', label: 'Limits & time zone', component: LimitsPage },
  { id: 'team', label: 'Team', component: TeamPage },
  { id: 'tools', label: 'Tools', component: ToolsSettings },
  { id: 'general', label: 'General', component: GeneralSettings },
];
