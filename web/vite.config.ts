import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// `npm run dev` proxies the API to a server on :3000 (`npm run dev` at the repository root).
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { target: 'es2022', sourcemap: false, assetsInlineLimit: 0 },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/.well-known'].map((p) => [p, 'http://localhost:3000']),
    ),
  },
});
