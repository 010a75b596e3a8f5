import { describe, expect, it } from "vitest";
import { HostGate } from "./host-gate.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("HostGate", () => {
  it("lets `concurrency` requests to a host run at once, the rest in arrival order; other hosts are free", async () => {
    const gate = new HostGate({ concurrency: 2, delayMs: 0 });
    const started: string[] = [];
    const releases = new Map<string, () => void>();
    const take = (host: string, name: string) =>
      gate.acquire(host).then((release) => {
        started.push(name);
        releases.set(name, release);
      });
    void take("a.example", "a1");
    void take("A.example", "a2");
    void take("a.example", "a3");
    void take("a.example", "a4");
    void take("b.example", "b1");
    await tick();
    expect(started).toEqual(["a1", "a2", "b1"]);
    releases.get("a2")?.();
    releases.get("a2")?.(); // a second call does nothing
    await tick();
    expect(started).toEqual(["a1", "a2", "b1", "a3"]);
    releases.get("a1")?.();
    await tick();
    expect(started).toEqual(["a1", "a2", "b1", "a3", "a4"]);
  });

  it("keeps a politeness delay between two starts at the same host", async () => {
    const gate = new HostGate({ concurrency: 4, delayMs: 60_000 });
    const first = await gate.acquire("slow.example");
    let second = false;
    void gate.acquire("slow.example").then(() => {
      second = true;
    });
    first();
    await tick();
    expect(second).toBe(false);
    // Another host is not held up.
    await gate.acquire("other.example");
  });

  it("an undelayed turn (an article's images) waits for no delay and starts none; the limit still holds", async () => {
    const gate = new HostGate({ concurrency: 2, delayMs: 60_000 });
    const page = await gate.acquire("site.example");
    const started: string[] = [];
    const image = (name: string) =>
      gate.acquire("site.example", undefined, { delay: false }).then((release) => {
        started.push(name);
        return release;
      });
    const img1 = image("img1");
    void image("img2");
    await tick();
    // One slot was free: the first image starts at once, within the delay after the page; the second waits.
    expect(started).toEqual(["img1"]);
    page();
    await tick();
    expect(started).toEqual(["img1", "img2"]);
    // The next page still waits out the delay after the last page's start.
    (await img1)();
    let nextPage = false;
    void gate.acquire("site.example").then(() => {
      nextPage = true;
    });
    await tick();
    expect(nextPage).toBe(false);
  });

  it("gives up waiting when the job is aborted", async () => {
    const gate = new HostGate({ concurrency: 1, delayMs: 0 });
    const held = await gate.acquire("x.example");
    const ac = new AbortController();
    const waiting = gate.acquire("x.example", ac.signal);
    ac.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
    held();
    await gate.acquire("x.example");
  });
});
