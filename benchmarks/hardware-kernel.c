/*
 * The hardware-cohort kernel as a plain scalar C loop: the stand-in for the
 * hardware limit in `npm run bench`. Same inputs, same formulas and the same
 * running products as src/kernel (hardware.ts, recoverable.ts, impairment.ts
 * with one straight-line book, IFRS). Reads N trials of 14 doubles
 * (12 scalar inputs, 3 utilization tiers) from a file, runs the kernel
 * `reps` times, prints seconds per rep and the sum of write-downs.
 *
 *   gcc -O3 -march=native -o hw hardware-kernel.c -lm && ./hw inputs.bin N H reps
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { RENTAL, COMPRESSION, FSA, CADENCE, SHOCK, DECAY, FLOOR_, HAIRCUT, FAILURE, POWER, PUE, U0, NIN = 14 };
/* fixed cohort: as in benchmarks/bench.ts */
static const double units = 1000, unitCost = 30000, ageMonths = 24, powerKw = 1.2, idle = 0.3, opex = 150, disposal = 0.05, life = 72, r = 0.10;

static int generation(double a, double fsa, double cad) { return a < fsa ? 0 : 1 + (int)floor((a - fsa) / cad); }

int main(int argc, char **argv) {
  if (argc < 5) return 2;
  long N = atol(argv[2]);
  int H = atoi(argv[3]), reps = atoi(argv[4]);
  double *in = malloc(sizeof(double) * NIN * N);
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(in, sizeof(double), NIN * N, f) != (size_t)(NIN * N)) return 3;
  fclose(f);
  double *CF = malloc(sizeof(double) * (H + 1)), *M = malloc(sizeof(double) * (H + 1)), *S = malloc(sizeof(double) * (H + 1));
  double *V = malloc(sizeof(double) * (H + 1)), *W = malloc(sizeof(double) * (H + 1)), *B = malloc(sizeof(double) * (H + 1)), *F = malloc(sizeof(double) * (H + 1));
  const double d = pow(1 + r, -1.0 / 12);
  /* book per unit of K0, the cost of the units in service at t = 0 */
  for (int t = 0; t <= H; t++) { double a = ageMonths + t; B[t] = a >= life ? 0 : 1 - a / life; }
  int tests[16], nt = 0;
  for (int t = 0; t <= H - 12; t += 12) tests[nt++] = t;
  double total = 0, best = 1e30;
  for (int rep = 0; rep < reps; rep++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    total = 0;
    for (long i = 0; i < N; i++) {
      const double *x = in + NIN * i;
      double fsa = x[FSA], cad = x[CADENCE];
      int g0 = generation(ageMonths, fsa, cad), gPrev = -1;
      double survive = pow(1 - x[FAILURE], 1.0 / 12), compress = pow(1 - x[COMPRESSION], 1.0 / 12), decay = exp(-x[DECAY] / 12);
      double energyPerUnit = 730 * powerKw * x[PUE] * x[POWER], keep = 1 - disposal;
      double n = units * pow(1 - x[FAILURE], ageMonths / 12), price = x[RENTAL], resale = exp(-x[DECAY] * ageMonths / 12);
      double shock = 1, haircut = 1, util = 0, n0 = n, K0 = n0 * unitCost;
      CF[0] = 0;
      for (int t = 0; t <= H; t++) {
        int g = generation(ageMonths + t, fsa, cad);
        if (g != gPrev) {
          if (g == gPrev + 1 && gPrev >= 0) { shock *= 1 - x[SHOCK]; haircut *= 1 - x[HAIRCUT]; }
          else { shock = pow(1 - x[SHOCK], g - g0); haircut = pow(1 - x[HAIRCUT], g); }
          util = x[U0 + (g < 2 ? g : 2)]; gPrev = g;
        }
        if (t > 0) CF[t] = n * 730 * util * price * shock - n * energyPerUnit * (idle + (1 - idle) * util) - n * opex;
        double m = n * unitCost * (x[FLOOR_] + (1 - x[FLOOR_]) * resale) * haircut;
        M[t] = m; S[t] = m * keep; F[t] = n / n0;
        n *= survive; price *= compress; resale *= decay;
      }
      V[H] = W[H] = S[H];
      int e = H;
      for (int t = H - 1; t >= 0; t--) {
        double hold = d * (CF[t + 1] + V[t + 1]);
        if (S[t] >= hold) { V[t] = S[t]; e = t; } else V[t] = hold;
        double hw = CF[t + 1] + W[t + 1];
        W[t] = S[t] > hw ? S[t] : hw;
      }
      double sal = 0, kappa = 1, loss_total = 0;
      int exited = e >= H;
      for (int k = 0; k < nt; k++) {
        int t = tests[k];
        if (!exited && t >= e) { double l = F[e] * (sal + kappa * K0 * B[e]) - S[e]; if (l > 0) loss_total += l; exited = 1; }
        if (t < e || e >= H) {
          double C = F[t] * (sal + kappa * K0 * B[t]);
          if (C > V[t]) { double X = V[t], xu = X / F[t]; loss_total += C - X; sal = xu < 0 ? xu : 0; kappa = B[t] != 0 ? (xu - sal) / (K0 * B[t]) : 0; }
        }
      }
      if (!exited) { double l = F[e] * (sal + kappa * K0 * B[e]) - S[e]; if (l > 0) loss_total += l; }
      total += loss_total;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    if (s < best) best = s;
  }
  printf("%.9f %.17g\n", best, total);
  return 0;
}
