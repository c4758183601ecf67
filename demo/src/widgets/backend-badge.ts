/** The header badge: where the current page's model runs ("WebGPU", "WASM · 2 threads"). */
import type { ActiveBackend } from 'webgen';

const badge = (): HTMLElement | null => document.getElementById('backend-badge');

export function showBackend(backend: ActiveBackend | null, threads = 1): void {
  const el = badge();
  if (!el) return;
  if (backend === null) {
    el.textContent = 'no model';
    el.removeAttribute('data-backend');
    return;
  }
  el.dataset.backend = backend;
  el.textContent = backend === 'webgpu' ? 'WebGPU' : backend === 'wasm' ? `WASM · ${threads} thread${threads === 1 ? '' : 's'}` : backend.toUpperCase();
}
