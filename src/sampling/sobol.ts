import directions from './joe-kuo.json' with { type: 'json' };

const BITS = 32;
export const SOBOL_MAX_DIMENSIONS = directions.poly.length;

/**
 * Direction numbers v[d][k] (32-bit, k = 0..31) for the first `dims`
 * dimensions, from the Joe–Kuo polynomials and initial values: the
 * recurrence m_j = m_{j−s} ⊕ 2^s m_{j−s} ⊕ ⊕_k 2^k a_k m_{j−k}.
 */
export function sobolDirections(dims: number): Uint32Array[] {
  if (dims > SOBOL_MAX_DIMENSIONS) throw new RangeError(`Sobol: ${dims} dimensions requested, ${SOBOL_MAX_DIMENSIONS} available`);
  return Array.from({ length: dims }, (_, d) => {
    const m = new Uint32Array(BITS);
    if (d === 0) m.fill(1);
    else {
      const p = directions.poly[d];
      const s = Math.floor(Math.log2(p));
      directions.vinit[d].forEach((v, k) => (m[k] = v));
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
      const c = 31 - Math.clz32((start + i) & -(start + i)); // lowest set bit of the index steps the Gray code
      for (let j = 0; j < d; j++) x[j] = (x[j] ^ v[j][c]) >>> 0;
    }
    for (let j = 0; j < d; j++) U[j * count + i] = (((x[j] ^ shift[j]) >>> 0) + 0.5) / 4294967296;
  }
}
