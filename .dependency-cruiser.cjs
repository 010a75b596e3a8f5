/**
 * The layers point one way: platform ← modules ← app (and the CLI above them). `npm run lint` runs this
 * (scripts/check-architecture.ts adds the module-level cycle check). See docs/architecture.md.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "platform-imports-nothing-above",
      comment:
        "src/platform holds ports, adapters and primitives: it must not know modules, the app or the configuration",
      severity: "error",
      from: { path: "^src/platform/" },
      to: { path: "^src/(modules|app|cli)/|^src/(config|main|container)\\.ts$" },
    },
    {
      name: "modules-do-not-import-the-app",
      comment:
        "modules are assembled by src/app; they never reach up into it (nor into the CLI or the configuration)",
      severity: "error",
      from: { path: "^src/modules/" },
      to: { path: "^src/(app|cli)/|^src/(config|main)\\.ts$" },
    },
    {
      name: "no-circular",
      comment: "no import cycles between files",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "tests-are-not-imported",
      severity: "error",
      from: { path: "^src/", pathNot: "\\.test\\.ts$" },
      to: { path: "\\.test\\.ts$|^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "\\.test\\.ts$" },
  },
};
