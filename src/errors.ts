/**
 * Bad input from the user: reported in one line, exit code 2, before any trial runs.
 *
 * @param message the whole line, saying what was expected
 * @example throw new InputError('--trials: expected a whole number ≥ 1, got 0')
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * A scenario that cannot be run: names the file, the key path and what was expected.
 *
 * @param file the scenario file
 * @param path the key path ('' for the top level)
 * @param expected what was expected there and what was found
 * @example new ScenarioError('s.yaml', 'assets[0].units', 'a number ≥ 1, got 0').message // 's.yaml: assets[0].units: a number ≥ 1, got 0'
 */
export class ScenarioError extends InputError {
  constructor(readonly file: string, readonly path: string, readonly expected: string) {
    super(`${file}: ${path || '(top level)'}: ${expected}`);
    this.name = 'ScenarioError';
  }
}
