/**
 * The documented limits of a scenario (README "Limits"): each is checked once,
 * when the scenario is read, so a run never starts on input whose arithmetic
 * would overflow a double or whose reading would exhaust memory.
 */

/** Largest amount of money a scenario may give, in USD: far above any balance sheet, far below where sums over trials and months overflow. */
export const MAX_MONEY = 1e15;

/** Smallest positive cost (a unit's or a model's): the expected valuation divides by it. */
export const MIN_COST = 1e-6;

/** Most units in a cohort. */
export const MAX_UNITS = 1e9;

/** Largest power draw of one unit, in kW. */
export const MAX_POWER_KW = 1e6;

/** Largest ratio input (PUE, serving cost over revenue). */
export const MAX_RATIO = 1000;

/** Shortest time between hardware generations, in months: the model steps monthly. */
export const MIN_CADENCE_MONTHS = 1;

/** Largest scenario file read, in bytes: the YAML parser holds about 1 KB per number, so 4 MiB of numbers is already ~300 MB and seconds. */
export const MAX_SCENARIO_BYTES = 4 * 2 ** 20;

/** Most numbers in one `empirical` or `discrete` list. */
export const MAX_LIST_ITEMS = 100_000;

/** Most nodes YAML aliases (`*name`) may expand to in one file: room for hundreds of cohorts sharing an anchor, none for an alias bomb. */
export const MAX_YAML_ALIASES = 100_000;

/** Characters in an asset or policy name: room for 'h100-us-east-2024q3-lease-7' and more, none for a name that multiplies a run's size. */
export const MAX_NAME_CHARS = 100;

/** Characters of the user's input quoted back in an error message. */
export const MAX_QUOTED_CHARS = 80;

/**
 * A piece of the user's input as an error message quotes it: at most
 * MAX_QUOTED_CHARS characters, control characters shown as escapes.
 *
 * @param s the text
 * @returns the text, shortened with '…' and its length when longer
 * @example quote('a'.repeat(100)) // 'aaaa…(100 characters)' with 80 a's
 */
export function quote(s: string): string {
  const visible = (t: string) => t.replace(/[\u0000-\u001f\u007f\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length <= MAX_QUOTED_CHARS ? visible(s) : `${visible(s.slice(0, MAX_QUOTED_CHARS))}…(${s.length.toLocaleString('en-US')} characters)`;
}
