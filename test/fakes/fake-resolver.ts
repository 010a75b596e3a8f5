import type { ResolvedAddress, Resolver } from "../../src/platform/fetch/resolver.js";

/**
 * A DNS stub: each name answers from its list, or from a function of how many times it was asked
 * (for answers that change between lookups). Unknown names fail as ENOTFOUND. `calls` records every
 * lookup, so tests can prove a name was resolved once per connection and never for literals.
 */
export class FakeResolver {
  readonly calls: string[] = [];
  private readonly answers = new Map<string, (n: number) => string[]>();

  set(name: string, answer: string[] | ((n: number) => string[])): this {
    this.answers.set(name, typeof answer === "function" ? answer : () => answer);
    return this;
  }

  readonly resolve: Resolver = async (hostname) => {
    this.calls.push(hostname);
    const answer = this.answers.get(hostname);
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    const n = this.calls.filter((c) => c === hostname).length;
    return answer(n).map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}
