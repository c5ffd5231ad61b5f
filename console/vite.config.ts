import { defineConfig } from 'vite';

// The console is served by the app itself at /console/ (embedded host) and /api/console/
// (Functions host), so every asset URL is relative. Output next to the compiled app: dist/console.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
