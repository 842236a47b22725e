import type { Bin } from './curves.ts';

/**
 * What the page's script (client.js) draws, chart by chart, with Observable
 * Plot. The data is already summarised here (curves on a fixed grid,
 * histograms, bands), so the page's size does not grow with the trials.
 */

/** How an axis reads: dollars, a share, a month or a plain number. */
export interface Axis { label: string; format: 'money' | 'percent' | 'month' | 'number' }

/** Series of [x, y] lines; `marks` labels points on them (P95, ES95). */
export interface LinesChart {
  kind: 'lines';
  x: Axis;
  y: Axis;
  series: { name: string; points: [number, number][] }[];
  marks?: { series: string; x: number; y: number; label: string }[];
}

/** Median lines in P5–P95 bands: points [x, lo, mid, hi]. */
export interface BandsChart {
  kind: 'bands';
  x: Axis;
  y: Axis;
  series: { name: string; points: [number, number, number, number][] }[];
}

/** Histograms, one panel per series, bars as shares of all trials. */
export interface BarsChart {
  kind: 'bars';
  x: Axis;
  y: Axis;
  series: { name: string; bins: Bin[] }[];
}

/** A tornado in the output's unit around its mean, beside the rank correlations. */
export interface TornadoChart {
  kind: 'tornado';
  output: string;
  base: number;
  rows: { input: string; low: number; high: number; rho: number }[];
}

/** Estimates with intervals, one row per label, coloured by series. */
export interface IntervalsChart {
  kind: 'intervals';
  x: Axis;
  rows: { label: string; series: string; mid: number; lo: number; hi: number }[];
}

/** A small density sketch of one input. */
export interface DensityChart { kind: 'density'; bins: Bin[] }

export type Chart = LinesChart | BandsChart | BarsChart | TornadoChart | IntervalsChart | DensityChart;

/** A part of the page: its HTML (figures, tables) and the charts its figures name. */
export interface Section { html: string; charts: Record<string, Chart> }

/** Significant digits kept in chart data: finer than any screen shows, and a third of the bytes of full doubles. */
const DIGITS = 5;

/**
 * JSON of the page data with numbers cut to DIGITS significant digits and
 * non-finite numbers as null; `</` escaped so the JSON can sit in a <script>.
 *
 * @param value the page data
 * @returns the JSON text
 * @example pageJson({ x: 1 / 3 }) // '{"x":0.33333}'
 */
export function pageJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(DIGITS)) : null) : v)).replace(/<\//g, '<\\/');
}
