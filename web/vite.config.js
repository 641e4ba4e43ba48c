import { defineConfig } from 'vite';

// The API (src/run.sh, port 5080) serves web/dist in production. In development `npm run dev` serves the sources
// and passes API, live hub and photo requests through to it, so both run on one origin as in production.
const api = 'http://localhost:5080';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': api,
      '/hubs': { target: api, ws: true },
      '/media': api,
    },
  },
});
