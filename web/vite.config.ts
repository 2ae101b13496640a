import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { compression } from 'vite-plugin-compression2';
import { fileURLToPath } from 'node:url';

/**
 * Builds `src/early-reads.ts` as a chunk of its own and runs it from `index.html` as an async
 * module, so a page's API reads start while the app's script is still loading and parsing. The
 * app imports the same chunk (the browser loads and runs it once).
 */
function earlyReads(): Plugin {
  const name = 'early-reads';
  return {
    name: 'agora-early-reads',
    apply: 'build',
    buildStart() {
      this.emitFile({
        type: 'chunk',
        id: fileURLToPath(new URL('./src/early-reads.ts', import.meta.url)),
        name,
      });
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const chunk = Object.values(bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.isEntry && c.name === name,
        );
        if (!chunk) throw new Error(`the ${name} chunk is missing from the build`);
        return [
          {
            tag: 'script',
            attrs: { type: 'module', async: true, crossorigin: true, src: `/${chunk.fileName}` },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}

// `npm run dev` proxies the API to a server on :3000 (`npm run dev` at the repository root).
export default defineConfig({
  plugins: [
    preact(),
    earlyReads(),
    // Brotli and gzip copies of the hashed assets, which the server sends to clients that accept
    // them (`preCompressed` in src/platform/http/static.ts): compressed once here, not per request.
    compression({
      algorithms: ['brotliCompress', 'gzip'],
      include: /\.(js|css)$/,
      threshold: 1024,
    }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { target: 'es2022', sourcemap: false, assetsInlineLimit: 0 },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/.well-known'].map((p) => [p, 'http://localhost:3000']),
    ),
  },
});
