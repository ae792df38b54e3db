import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The team server's admin page: a second Vite entry beside the app's renderer, built from the same
// UI components and styles (renderer/src/ui, renderer/src/styles) and served by `npm run server`.
const adminRoot = import.meta.dirname;
const projectRoot = `${import.meta.dirname}/../../`;

export default defineConfig({
  root: adminRoot,
  base: '/',
  publicDir: '../public',
  plugins: [react()],
  build: {
    outDir: `${projectRoot}out/team-admin`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The CSP forbids inline script; Vite's preload polyfill would be one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1', fs: { allow: [projectRoot] } },
});
