import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The SPA. Built with `npm run build:web` into dist/web at the repository root; the server serves
 * dist/web/index.html for every non-API path and dist/web/assets/* as static files.
 *
 * Everything must work under a strict CSP (script-src 'self'; style-src 'self'): no inline
 * scripts or styles, no inlined assets (assetsInlineLimit 0), nothing from other origins.
 */
const apiTarget = process.env.CVDESK_API ?? 'http://localhost:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    target: 'es2022',
    sourcemap: false,
  },
  // `vite` (dev) and `vite preview` forward the API to a running cvdesk server.
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
  preview: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
});
