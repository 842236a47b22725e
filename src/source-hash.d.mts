// Types of src/source-hash.mjs, for the TypeScript that imports it.
export function sourceHash(root?: string): string;
