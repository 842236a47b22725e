/** Bad input from the user: reported in one line, exit code 2, before any trial runs. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A scenario that cannot be run: names the file, the key path and what was expected. */
export class ScenarioError extends InputError {
  constructor(readonly file: string, readonly path: string, readonly expected: string) {
    super(`${file}: ${path || '(top level)'}: ${expected}`);
    this.name = 'ScenarioError';
  }
}
