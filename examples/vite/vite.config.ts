import { defineConfig } from 'vite';

// WebAssembly threads need a cross-origin isolated page: these two headers on every response (dev and preview here;
// set them on your production host too).
const crossOriginIsolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
});
