/** What each check of `sim check` looks at. */
export const CHECK_IDS = ['purchase-npv', 'sell-now', 'price-decline', 'day-one-gap', 'lifetime-revenue'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * One coherence check of one asset: what it compares, the rule that warns,
 * the inputs that move it, and its figures (fractions as fractions, money in USD).
 */
export interface Check {
  id: CheckId;
  asset: string;
  /** the book it reads (day-one gap): '' for the asset's own policy, else the policy's name */
  policy?: string;
  compares: string;
  threshold: string;
  movedBy: string[];
  /** the FIGURES.md ids it holds the scenario against */
  cites?: string;
  /** each a finite number; all null when the check does not apply (notApplicable) */
  figures: Record<string, number | null>;
  /** one line, or null when the check passes */
  warning: string | null;
  /** why the check does not apply — its ratio's denominator is zero in every trial — or null when it does; a check that does not apply never warns */
  notApplicable: string | null;
}
