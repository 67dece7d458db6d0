import { defineConfig } from 'vite';

// The built files go to dist/, which the Go package embeds and which is
// committed: file names carry content hashes, and nothing depends on the
// time or the machine, so the same sources build the same bytes.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // npm run dev: the API is the weft-server at WEFT_SERVER (default the
    // embedded defaults' address), proxied so the page and API share an origin.
    proxy: {
      '/graphql': { target: process.env.WEFT_SERVER ?? 'http://127.0.0.1:4000', ws: true, changeOrigin: true },
    },
  },
});
