// `npm run bench -- <name> [<name>…]` runs bench/<name>.ts (its default export) and writes
// bench/results/<name>.json with the figures it returns. Without a name it lists the benchmarks.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";

const here = new URL(".", import.meta.url);
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3));
const names = process.argv.slice(2).filter((a) => !a.startsWith("-"));
if (names.length === 0) {
  console.log(`usage: npm run bench -- <name>\navailable: ${available.join(", ")}`);
  process.exit(2);
}
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(", ")}`);
    process.exit(2);
  }
  const mod = (await import(new URL(`./${name}.ts`, here).href)) as {
    default: () => Promise<Record<string, unknown>>;
  };
  console.log(`== bench ${name}`);
  const figures = await mod.default();
  mkdirSync(new URL("results/", here), { recursive: true });
  const result = {
    name,
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    figures,
  };
  writeFileSync(new URL(`results/${name}.json`, here), `${JSON.stringify(result, null, 2)}\n`);
}
process.exit(0);
