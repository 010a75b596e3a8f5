// `npm run lint`: the dependency rules of .dependency-cruiser.cjs, plus no import cycle between modules
// (folders under src/modules, counting type-only imports: a cycle of types is a cycle of design).
import { createRequire } from "node:module";
import { cruise, type ICruiseResult } from "dependency-cruiser";

const require = createRequire(import.meta.url);
const config = require("../.dependency-cruiser.cjs");

const result = (
  await cruise(["src"], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } })
).output as ICruiseResult;

let failed = false;
for (const v of result.summary.violations) {
  failed = true;
  const via = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(" → ")})` : "";
  console.error(`✖ ${v.rule.name}: ${v.from} → ${v.to}${via}`);
}

// The module graph: an edge A → B when a file of module A imports a file of module B.
const moduleOf = (file: string) => /^src\/modules\/([^/]+)\//.exec(file)?.[1];
const edges = new Map<string, Set<string>>();
for (const m of result.modules) {
  const from = moduleOf(m.source);
  if (!from) continue;
  for (const d of m.dependencies) {
    const to = moduleOf(d.resolved);
    if (to && to !== from) edges.set(from, new Set([...(edges.get(from) ?? []), to]));
  }
}
const state = new Map<string, "visiting" | "done">();
const stack: string[] = [];
const visit = (n: string): void => {
  if (state.get(n) === "done") return;
  if (state.get(n) === "visiting") {
    failed = true;
    console.error(`✖ module cycle: ${[...stack.slice(stack.indexOf(n)), n].join(" → ")}`);
    return;
  }
  state.set(n, "visiting");
  stack.push(n);
  for (const next of edges.get(n) ?? []) visit(next);
  stack.pop();
  state.set(n, "done");
};
for (const n of edges.keys()) visit(n);

if (failed) process.exit(1);
console.log(
  `architecture: ${result.summary.totalCruised} files, ${edges.size} modules with dependencies, layers and module graph acyclic`,
);
