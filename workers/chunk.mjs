// Worker entry: tsx's loader hooks do not reach worker threads, so register
// them here before importing the TypeScript adapter (which dispatches each
// task to the handler of its kind).
import { register } from 'tsx/esm/api';

register();
const { default: runTask } = await import('./run-chunk.ts');
export default runTask;
