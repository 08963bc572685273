import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The gateway serves dist/ at "/": hashed files under /assets/ are cached for a year, index.html never.
export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline script or style may end up in index.html: the gateway's CSP is script-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` for working on the UI: API calls go to a running ./dev.sh start gateway.
    proxy: { '^/(api|auth|health|\\.well-known)': 'http://127.0.0.1:8080' },
  },
});
