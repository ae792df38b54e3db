import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminApp } from './AdminApp.js';
import '../../src/styles/theme.css';
import '../../src/styles/base.css';
import '../../src/styles/layout.css';
import '../../src/styles/components.css';
import '../../src/styles/pages.css';
import '../../src/styles/usage.css';
import './admin.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AdminApp />
    </StrictMode>,
  );
}
