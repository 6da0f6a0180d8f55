/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// The app is served by `unknot serve` at /c/{clinic}/ for any clinic slug, so every URL in the
// built files is relative ("./assets/..."); the server writes <base href="/c/{clinic}/"> into
// index.html's head so that relative URLs also work from the app's deeper routes
// (/c/{clinic}/manage/17).
export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  // No <link rel=modulepreload> polyfill: the patient pages are one entry chunk, and the staff
  // chunk (src/staff/, loaded by app.tsx with import()) needs nothing preloaded.
  build: { outDir: "dist", emptyOutDir: true, target: "es2020", sourcemap: false, modulePreload: false },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
