import directions from './joe-kuo.json' with { type: 'json' };

/** Bits of each coordinate (and direction numbers per dimension). */
const BITS = 32;
/** 2^BITS: a coordinate's integer over this is its point in [0, 1). */
const SCALE = 2 ** BITS;
/** Uncertain inputs the stored Joe–Kuo table covers. */
export const SOBOL_MAX_DIMENSIONS = directions.poly.length;

/**
 * Direction numbers v[d][k] (32-bit, k = 0..31) for the first `dims`
 * dimensions, from the Joe–Kuo polynomials and initial values: the
 * recurrence m_j = m_{j−s} ⊕ 2^s m_{j−s} ⊕ ⊕_k 2^k a_k m_{j−k}.
 *
 * @param dims dimensions wanted, at most SOBOL_MAX_DIMENSIONS
 * @returns one Uint32Array of BITS direction numbers per dimension
 * @throws RangeError beyond the table
 * @example sobolDirections(1)[0][0] // 2147483648 (the first direction halves [0, 1))
 */
export function sobolDirections(dims: number): Uint32Array[] {
  if (dims > SOBOL_MAX_DIMENSIONS) throw new RangeError(`Sobol: ${dims} dimensions requested, ${SOBOL_MAX_DIMENSIONS} available`);
  return Array.from({ length: dims }, (_, d) => {
    const m = new Uint32Array(BITS);
    if (d === 0) m.fill(1);
    else {
      const p = directions.poly[d];
      const s = Math.floor(Math.log2(p));
      m.set(directions.vinit[d]);
      for (let j = s; j < BITS; j++) {
        let v = m[j - s] ^ (m[j - s] << s);
        for (let k = 1; k < s; k++) if ((p >> (s - k)) & 1) v ^= m[j - k] << k;
        m[j] = v >>> 0;
      }
    }
    for (let k = 0; k < BITS; k++) m[k] = (m[k] << (BITS - 1 - k)) >>> 0;
    return m;
  });
}

/**
 * Fill U (column j at U[j·count + i]) with points start … start + count − 1
 * of the Sobol sequence in Gray-code order (scipy's order), each dimension
 * XOR-ed with its digital `shift` (random digital-shift scrambling) and
 * centred in its 2^−32 cell so no coordinate is 0 or 1.
 *
 * @param v direction numbers from sobolDirections
 * @param shift one digital shift per dimension
 * @param start index of the first point
 * @param count points to write
 * @param U output, written in full for `v.length` columns
 * @example fillSobol(sobolDirections(2), Uint32Array.of(0, 0), 0, 4, U) // U ≈ [0, 0.5, 0.75, 0.25,  0, 0.5, 0.25, 0.75] + 2^−33
 */
export function fillSobol(v: Uint32Array[], shift: Uint32Array, start: number, count: number, U: Float64Array): void {
  const d = v.length;
  const x = new Uint32Array(d);
  const g = (start ^ (start >>> 1)) >>> 0;
  for (let j = 0; j < d; j++) {
    let acc = 0;
    for (let k = 0; k < BITS; k++) if ((g >>> k) & 1) acc ^= v[j][k];
    x[j] = acc >>> 0;
  }
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      const c = BITS - 1 - Math.clz32((start + i) & -(start + i)); // lowest set bit of the index steps the Gray code
      for (let j = 0; j < d; j++) x[j] = (x[j] ^ v[j][c]) >>> 0;
    }
    for (let j = 0; j < d; j++) U[j * count + i] = (((x[j] ^ shift[j]) >>> 0) + 0.5) / SCALE;
  }
}
