/*
 * The hardware-cohort kernel as a plain scalar C loop: the stand-in for the
 * hardware limit in `npm run bench`. It computes what src/kernel computes for
 * one cohort with one tabulated book under IFRS, pathwise, with the same
 * formulas in the same order (hardware.ts, recoverable.ts, impairment.ts,
 * simulate.ts): every output column, written column-major like the kernel's
 * chunk buffer, then the portfolio sums. The bench checks every column
 * against the kernel's. Compiled without contracting a·b + c into one fused
 * multiply-add, which JavaScript cannot do: each formula then rounds as the
 * kernel's does, and 96 % of the outputs are the kernel's to the bit (80 %
 * contracted; the rest differ through the C library's pow and exp), for 2 %
 * of the loop's speed.
 *
 * Reads N trials of 14 inputs (11 scalars, 3 utilization tiers) from a file,
 * the book schedule B[0..H] per unit of K0 from another, runs the loop `reps`
 * times, writes the outputs of the last rep to a third file and prints the
 * fastest rep's seconds (the statistic the bench takes of the kernel too).
 *
 *   gcc -O3 -march=native -ffp-contract=off -o hw hardware-kernel.c -lm
 *   ./hw inputs.bin book.bin outputs.bin N H reps
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { RENTAL, COMPRESSION, FSA, CADENCE, SHOCK, DECAY, FLOOR_, HAIRCUT, FAILURE, POWER, PUE, U0, NIN = 14, TIERS = 3 };
/* the fixed cohort of benchmarks/bench.ts */
static const double units0 = 1000, unitCost = 30000, ageMonths = 24, powerKw = 1.2, idle = 0.3, opex = 150, disposal = 0.05, r = 0.10, bookSalvage = 0;

static double generation(double a, double fsa, double cad) { return a < fsa ? 0 : 1 + floor((a - fsa) / cad); }

static double *vec(long n) {
  double *p = malloc(sizeof(double) * n);
  if (!p) exit(4);
  return p;
}

static double *readAll(const char *path, long n) {
  double *p = vec(n);
  FILE *f = fopen(path, "rb");
  if (!f || fread(p, sizeof(double), n, f) != (size_t)n) exit(3);
  fclose(f);
  return p;
}

int main(int argc, char **argv) {
  if (argc < 7) return 2;
  const long N = atol(argv[4]);
  const int H = atoi(argv[5]), reps = atoi(argv[6]);
  const double *in = readAll(argv[1], NIN * N), *B = readAll(argv[2], H + 1);
  int tests[64], nt = 0;
  for (int t = 0; t <= H - 12; t += 12) tests[nt++] = t;
  const int years = (H + 11) / 12;
  /* output columns, in the plan's order: the asset's, then the portfolio's sums of them */
  const int WD = 0, WDM = 1, FIRST = WDM + nt, GAP = FIRST + 1, CARRY = GAP + nt, CHARGE0 = CARRY + 1, CHY = CHARGE0 + 1, FAIL = CHY + years;
  const int REC = FAIL + 1, EXIT = REC + nt, NPV = EXIT + 1, PAYBACK = NPV + 1, ASSET = PAYBACK + 1;
  /* the portfolio sums every book column (writedown .. failure_loss) but the first impairment month */
  const int SUMS = FAIL, NOUT = ASSET + SUMS;
  double *out = vec((long)NOUT * N);
  double *n = vec(H + 1), *CF = vec(H + 1), *M = vec(H + 1), *S = vec(H + 1), *V = vec(H + 1), *W = vec(H + 1), *f = vec(H + 1);
  double cumulative[64], chargeY[64];
  const double d = pow(1 + r, -1.0 / 12), keep = 1 - disposal;
  double fastest = INFINITY;
  for (int rep = 0; rep < reps; rep++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < N; i++) {
      double x[NIN];
      for (int j = 0; j < NIN; j++) x[j] = in[j * N + i]; /* column-major, like the chunk buffer */
      /* flows (hardware.ts) */
      const double fsa = x[FSA], cad = x[CADENCE], g0 = generation(ageMonths, fsa, cad);
      const double survive = pow(1 - x[FAILURE], 1.0 / 12), compress = pow(1 - x[COMPRESSION], 1.0 / 12), decay = exp(-x[DECAY] / 12);
      const double energyPerUnit = 730 * powerKw * x[PUE] * x[POWER];
      const double keepPrice = 1 - x[SHOCK], keepResale = 1 - x[HAIRCUT];
      double units = units0 * pow(1 - x[FAILURE], ageMonths / 12), price = x[RENTAL], resale = exp(-x[DECAY] * ageMonths / 12);
      double gPrev = -1, shock = 1, haircut = 1, util = 0, load = 0;
      CF[0] = 0;
      for (int t = 0; t <= H; t++) {
        const double g = generation(ageMonths + t, fsa, cad);
        if (g != gPrev) {
          if (g == gPrev + 1 && gPrev >= 0) { shock *= keepPrice; haircut *= keepResale; }
          else { shock = pow(keepPrice, g - g0); haircut = pow(keepResale, g); }
          util = x[U0 + (g < TIERS - 1 ? (int)g : TIERS - 1)];
          load = idle + (1 - idle) * util;
          gPrev = g;
        }
        n[t] = units;
        if (t > 0) {
          const double revenue = units * 730 * util * price * shock;
          const double energy = units * energyPerUnit * load;
          CF[t] = revenue - energy - units * opex;
        }
        const double m = units * unitCost * (x[FLOOR_] + (1 - x[FLOOR_]) * resale) * haircut;
        M[t] = m;
        S[t] = m * keep;
        units *= survive; price *= compress; resale *= decay;
      }
      /* pathwise recoverable amount and exit (recoverable.ts) */
      V[H] = S[H]; W[H] = S[H];
      double zu = S[H];
      int e = H;
      for (int t = H - 1; t >= 0; t--) {
        const double hold = d * (CF[t + 1] + V[t + 1]), holdU = CF[t + 1] + zu;
        W[t] = S[t] > holdU ? S[t] : holdU;
        V[t] = S[t] >= hold ? S[t] : hold;
        if (S[t] >= hold) { zu = S[t]; e = t; } else zu = holdU;
      }
      for (int k = 0; k < nt; k++) out[(REC + k) * N + i] = tests[k] <= e ? V[tests[k]] : NAN;
      out[EXIT * N + i] = e;
      out[NPV * N + i] = NAN;     /* not acquired now (ageMonths > 0) */
      out[PAYBACK * N + i] = NAN;
      /* the book of the units in service at t = 0 (simulate.ts, impairment.ts) */
      const double K0 = n[0] * unitCost, scale = K0, salvage = K0 * bookSalvage;
      if (n[0] == 0) for (int t = 0; t <= H; t++) f[t] = 0;
      else for (int t = 0; t <= H; t++) f[t] = n[t] / n[0];
      double sal = salvage, kappa = 1, total = 0, first = NAN, failure = 0, charge0 = 0, yearStart = 0, carrying0 = 0;
      int k = 0;
      for (int y = 0; y < years; y++) chargeY[y] = 0;
      for (int t = 0; t <= H; t++) {
        const double Bt = scale * B[t], base = sal + kappa * (Bt - salvage);
        if (t > 0) failure += (f[t - 1] - f[t]) * base;
        const double C = f[t] * base;
        if (t == 0) carrying0 = C;
        double after = C;
        if (t == e && e < H) {
          const double loss = C - S[e];
          if (loss > 0) { total += loss; if (isnan(first)) first = e; if (t == 0) charge0 = loss; after = S[e]; }
          if (t == 0) yearStart = after;
          chargeY[t == 0 ? 0 : (t + 11) / 12 - 1] = yearStart - S[e];
          for (; k < nt; k++) cumulative[k] = total;
          break;
        }
        if (k < nt && tests[k] == t) {
          double loss = 0;
          if (C > V[t]) loss = C - V[t];
          if (loss > 0) {
            total += loss;
            if (isnan(first)) first = t;
            if (t == 0) charge0 = loss;
            after = C - loss;
            const double xu = after / f[t];
            sal = salvage < xu ? salvage : xu;
            const double den = Bt - salvage;
            kappa = den != 0 ? (xu - sal) / den : 0;
          }
          cumulative[k++] = total;
        }
        if (t == 0) yearStart = after;
        else if (t % 12 == 0 || t == H) { chargeY[(t + 11) / 12 - 1] = yearStart - after; yearStart = after; }
      }
      for (int q = 0; q < nt; q++) {
        const int t = tests[q];
        out[(WDM + q) * N + i] = cumulative[q];
        out[(GAP + q) * N + i] = f[t] * (scale * B[t]) - M[t];
      }
      out[WD * N + i] = total;
      out[FIRST * N + i] = first;
      out[CARRY * N + i] = carrying0;
      out[CHARGE0 * N + i] = charge0;
      for (int y = 0; y < years; y++) out[(CHY + y) * N + i] = chargeY[y];
      out[FAIL * N + i] = failure;
    }
    /* the portfolio's columns: sums over its one asset, in a pass of their own as simulate.ts does */
    for (int s = 0, from = 0; s < SUMS; s++, from++) {
      if (from == FIRST) from++;
      for (long i = 0; i < N; i++) out[(ASSET + s) * N + i] = 0 + out[from * N + i];
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fastest = fmin(fastest, (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec));
  }
  FILE *o = fopen(argv[3], "wb");
  if (!o || fwrite(out, sizeof(double), (size_t)NOUT * N, o) != (size_t)NOUT * N) return 5;
  fclose(o);
  printf("%.9f %d\n", fastest, NOUT);
  return 0;
}
