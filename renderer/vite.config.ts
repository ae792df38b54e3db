import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Vite gives the config its original location in import.meta.dirname; no Node imports are needed
// here, which keeps renderer/ free of Node modules even in its build config.
const rendererRoot = import.meta.dirname;
const projectRoot = `${import.meta.dirname}/../`;

// Dev only: `SWITCHBOARD_HOST=http://127.0.0.1:<port> npx vite --config renderer/vite.config.ts`
// proxies /api to a running web host. The host refuses foreign Origin headers, so the proxy drops it.
const devHost = process.env.SWITCHBOARD_HOST;

export default defineConfig({
  root: rendererRoot,
  base: '/',
  publicDir: 'public',
  plugins: [react()],
  build: {
    outDir: `${projectRoot}out/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The CSP forbids inline script; Vite's preload polyfill would be one. Chromium has native modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    // The renderer imports ../shared.
    fs: { allow: [projectRoot] },
    ...(devHost
      ? {
          proxy: {
            '/api': {
              target: devHost,
              changeOrigin: true,
              configure: (proxy) => proxy.on('proxyReq', (req) => req.removeHeader('origin')),
            },
          },
        }
      : {}),
  },
});
