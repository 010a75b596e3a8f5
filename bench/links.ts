// `npm run bench -- links`: the saved-articles bench under the links module's name (the issue calls it
// `articles`; both run the same thing): extraction quality and speed, the pipeline's stages, and the pipeline
// on the real server, each against its baseline in the same run.
export { default } from "./articles.js";
