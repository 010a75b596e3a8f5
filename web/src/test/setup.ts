import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { fakeApi } from "./fake-api";

// openapi-fetch takes globalThis.fetch when the client is created (at import): route it to the fake.
globalThis.fetch = (input, init) => fakeApi.handle(new Request(input, init));

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  fakeApi.reset();
});
