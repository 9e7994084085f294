/**
 * Node.js flags for every process that loads cdktf: `npm run synth` (package.json), `cdktf synth`
 * and `cdktf deploy` (cdktf.json `app`), {@link ../lib/terraform-synth.ts synthApp}, the vitest
 * workers (vitest.config.ts) and the tests that start `main.ts`. A test checks that each of those
 * places passes exactly these flags.
 *
 * `--disable-warning=DEP0044`: cdktf 0.21's `TerraformOutput.isITerraformAddressable` calls
 * `util.isArray`, which Node.js 22 deprecates at run time
 * (https://nodejs.org/api/deprecations.html#DEP0044), so every synth with an output prints
 * "[DEP0044] DeprecationWarning: The `util.isArray` API is deprecated" on stderr. cdktf was archived
 * on 2025-12-10 and will not change. The flag
 * (https://nodejs.org/api/cli.html#--disable-warningcode-or-type, Node.js ≥ 20.11) hides warnings
 * with that one code; every other warning, deprecation or not, still prints. The project's own
 * code cannot hide a `util.isArray` call behind it: eslint rejects `util.isArray`.
 */
export const CDKTF_NODE_FLAGS: readonly string[] = ["--disable-warning=DEP0044"];
