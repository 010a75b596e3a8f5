import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

interface Lockfile {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

const read = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** Packages of a lockfile whose `engines.node` does not admit the oldest Node the project promises. */
function mismatches(lockfile: string, oldest: string): string[] {
  const out: string[] = [];
  for (const [where, pkg] of Object.entries(read<Lockfile>(lockfile).packages)) {
    const wanted = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
    if (wanted && !semver.satisfies(oldest, wanted)) out.push(`${where}@${pkg.version}: node ${wanted}`);
  }
  return out;
}

describe("the Node version the README promises", () => {
  const promised = read<{ engines: { node: string } }>("package.json").engines.node;
  const oldest = semver.minVersion(promised)!.version;

  it("is what the README says", () => {
    expect(readFileSync("README.md", "utf8")).toContain(`Node.js ≥ ${oldest.replace(/\.0$/, "")}.`);
  });

  it("is accepted by every installed package, server and web app (no EBADENGINE on `npm ci`)", () => {
    expect(mismatches("package-lock.json", oldest)).toEqual([]);
    expect(mismatches("web/package-lock.json", oldest)).toEqual([]);
  });

  it("is enforced: an engine mismatch fails `npm ci` (engine-strict), so CI cannot install one", () => {
    for (const npmrc of [".npmrc", "web/.npmrc"])
      expect(readFileSync(npmrc, "utf8"), npmrc).toMatch(/^engine-strict=true$/m);
  });
});
