// The browser modules of both faces: ES modules, browser globals, ESLint's
// recommended rules plus a few that keep them small and global-free.
// Run by `make lint`.

import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["angela/static/vendor/", "node_modules/", "bench/node_modules/"] },
  {
    files: ["angela/static/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: globals.browser,
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      "no-implicit-globals": "error",
    },
  },
  {
    // The public page's service worker, served at /sw.js with SETTINGS
    // put before it by angela.public.offline.
    files: ["angela/public/sw.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "script",
      globals: { ...globals.serviceworker, SETTINGS: "readonly" },
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
    },
  },
];
