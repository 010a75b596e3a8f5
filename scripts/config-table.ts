// Prints the README's configuration table from src/config.ts, the single source of the variables.
import { configTable } from "../src/config.js";

console.log(configTable());
