// ESLint flat config: https://eslint.org/docs/latest/use/configure/configuration-files
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const UTIL_IS_ARRAY =
  "util.isArray is deprecated (DEP0044) and its warning is hidden for cdktf: use Array.isArray.";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "cdktf.out/",
      ".gen/",
      ".replay/",
      "coverage/",
      ".bench/",
      "__tests__/fixtures/samples/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Processes that load cdktf run with --disable-warning=DEP0044 (commands/lib/cdktf-node-flags.ts),
      // which would hide our own util.isArray calls: there are none, and these rules keep it so.
      "no-restricted-properties": ["error", { object: "util", property: "isArray", message: UTIL_IS_ARRAY }],
      "no-restricted-imports": [
        "error",
        {
          paths: ["util", "node:util"].map((name) => ({
            name,
            importNames: ["isArray"],
            message: UTIL_IS_ARRAY,
          })),
        },
      ],
    },
  },
);
