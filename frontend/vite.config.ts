/**
 * Build the phone app into dist/ (served by Flask at /): the app shell, a lazily loaded map
 * chunk with Leaflet, and a service worker built from sw/sw.ts with the precache manifest
 * injected (vite-plugin-pwa, injectManifest). VITE_TILE_URL sets the default base-map tiles.
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  define: {
    __APP_VERSION__: JSON.stringify(`${pkg.version}+${new Date().toISOString().slice(0, 10)}`),
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2020',
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // One file per lazy screen is fine; the shell itself stays a single small chunk.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 200,
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      manifestFilename: 'manifest.webmanifest',
      // The glob below already precaches the icons; listing them twice would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'ขยะ · Khaya — คัดแยกขยะลำพูน',
        short_name: 'ขยะ Khaya',
        description: 'บันทึกการคัดแยกขยะ ตรวจถังขยะเปียก และธนาคารขยะ · Household waste sorting, wet-bin checks and waste banks',
        lang: 'th',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f6f8f4',
        theme_color: '#1b5e20',
        categories: ['utilities', 'government'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,woff2,svg,png}'],
        // MapLibre draws the office map's households from tiles that are never kept offline: a
        // phone does not download it ahead, an office PC fetches it with the map.
        globIgnores: ['**/household-tiles-*.{js,css}', '**/maplibre-gl-csp-worker-*'],
        // The worker is built as a classic script: every browser that has service workers runs it.
        rollupFormat: 'iife',
        maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
});
