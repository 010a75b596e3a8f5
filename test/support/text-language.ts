import { assemble } from "../../src/app/assemble.js";
import { testConfig } from "../../src/config.js";
import type { TextLanguage } from "../../src/modules/text/text-language.js";

let built: Promise<TextLanguage> | undefined;

/**
 * The text command language as the server builds it: every module's definitions, collected by an assembly
 * on an in-memory database (parsing never touches it). Built once per test file.
 */
export function textLanguage(): Promise<TextLanguage> {
  built ??= (async () => {
    const assembly = await assemble(testConfig());
    const language = assembly.services.text.commands;
    await assembly.close();
    return language;
  })();
  return built;
}
