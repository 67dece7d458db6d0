import { createHash } from 'node:crypto';
import { build, defineConfig, type Plugin } from 'vite';
import { AppsDocument } from './src/api/generated';

// inlineFirst builds src/first.ts on its own (one small script, no
// imports left) and puts it in index.html in place of its marker, so the
// first request of a page load leaves as the HTML is parsed, not once the
// app's script has run. weft-server allows it by its hash in the page's
// Content-Security-Policy (portal.go). Without a build (npm run dev) the
// marker stays and the app sends the request itself.
function inlineFirst(): Plugin {
  return {
    name: 'weft-inline-first',
    apply: 'build',
    transformIndexHtml: { order: 'post', handler: inline },
  };
}

async function inline(html: string): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    define: {
      // The id the client would send: the SHA-256 of the operation's text.
      __APPS_ID__: JSON.stringify(createHash('sha256').update(AppsDocument.toString()).digest('hex')),
    },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: 'src/first.ts', formats: ['iife'], name: 'weftFirst', fileName: 'first' },
    },
  });
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => ('output' in o ? o.output : []));
  const code = chunks.find((c) => c.type === 'chunk')?.code;
  if (!code) throw new Error('first.ts built to nothing');
  if (!html.includes('<!--first-->')) throw new Error('index.html has no <!--first--> marker');
  return html.replace('<!--first-->', `<script>${code.trim()}</script>`);
}

// The built files go to dist/, which the Go package embeds and which is
// committed: file names carry content hashes, and nothing depends on the
// time or the machine, so the same sources build the same bytes.
export default defineConfig({
  base: '/',
  plugins: [inlineFirst()],
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
