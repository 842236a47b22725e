// Worker entry: tsx's loader hooks do not reach worker threads, so register
// them here before importing the TypeScript adapter.
import { register } from 'tsx/esm/api';

register();
const { default: runChunk } = await import('./run-chunk.ts');
export default runChunk;
