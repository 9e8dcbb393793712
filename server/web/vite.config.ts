import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app is served by the API server under /app (server/src/plugins/web-app.ts): hashed file names under
 * /app/assets are cached for a year, index.html never. `npm run dev` proxies /api to a server on IGNY8_API (default
 * http://localhost:3000) so the browser sees one origin, as in production (the refresh cookie is SameSite=Strict).
 */
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': process.env.IGNY8_API ?? 'http://localhost:3000' },
  },
});
