import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { connectWeb } from './app/connect.js';
import { createElectronBridge } from './bridge/electron-transport.js';
import { preloadApi, startupToken } from './bridge/environment.js';
import { useSessionStore } from './state/session-store.js';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/pages.css';
import './styles/chat.css';
import './styles/usage.css';
import './styles/agents.css';
import './styles/team.css';

const api = preloadApi();
if (api) {
  useSessionStore.getState().connect(createElectronBridge(api));
} else {
  const token = startupToken();
  if (token) connectWeb(token);
  else useSessionStore.getState().disconnect('missing');
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
