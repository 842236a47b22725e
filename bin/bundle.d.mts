// Types of bin/bundle.mjs, for the tests that import it.
export function cliBundle(dir?: string, root?: string): Promise<string | null>;
