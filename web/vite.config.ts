import { defineConfig } from "vite";

// The console is served by the Go binary at /console/; every asset name carries its content
// hash (served immutable), index.html does not (served no-cache).
export default defineConfig({
  base: "/console/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
