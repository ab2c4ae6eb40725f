import { defineConfig } from 'vite';

/**
 * The operator app. Built into web/dist (served by Switchboard at `/`); `npm run dev:web` serves it with hot reload
 * and forwards API calls and the realtime socket to a Switchboard on port 3000.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // Vite's own transformer handles JSX; no React plugin is needed for a production build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      // TanStack Query marks files "use client" for React Server Components; meaningless in an SPA bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', ws: true },
      '/setup': 'http://127.0.0.1:3000',
    },
  },
});
