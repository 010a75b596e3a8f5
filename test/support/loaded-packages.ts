// Prints (as JSON) which of the heavy packages a module pulls in when imported:
// `node --import tsx test/support/loaded-packages.ts <module>`. All of them load through the CommonJS
// loader here (their packages' "require"/"main" entries), so they show in require.cache.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const target = process.argv[2];
if (!target) throw new Error("usage: loaded-packages.ts <module path>");
await import(pathToFileURL(target).href);
const require = createRequire(import.meta.url);
const loaded = Object.keys(require.cache);
const heavy = ["undici", "jsdom", "@mozilla/readability", "dompurify", "linkedom", "fflate", "markdown-it"];
const found = heavy.filter((p) => loaded.some((f) => f.includes(`/node_modules/${p}/`)));
console.log(JSON.stringify({ found, rssMb: Math.round(process.memoryUsage().rss / 1048576) }));
