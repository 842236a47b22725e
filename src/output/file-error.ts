/** Why a write failed, in words, for the file-system errors a user can meet. */
const HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than this process may write (ulimit -f)',
};

/**
 * A failed write as one line naming the file (Node's own message names only
 * the system call). Errors that are not the file system's pass unchanged.
 *
 * @param path the file being written
 * @param e what the write threw
 * @returns the error to throw, with the same `code`
 * @example fileError('run/trials.arrow', Object.assign(new Error('x'), { code: 'ENOSPC' })).message // 'cannot write run/trials.arrow (ENOSPC: the disk is full)'
 */
export function fileError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return e;
  // the code stays on the error, for callers that tell a full disk from other failures
  return Object.assign(new Error(`cannot write ${path} (${code}${HINTS[code] ? `: ${HINTS[code]}` : ''})`), { code });
}
