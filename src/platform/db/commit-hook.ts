/** What runs after a commit: synchronous work, or a promise the committing caller waits for. */
export type CommitHook = () => void | Promise<void>;
