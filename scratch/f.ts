import { pert } from '../distributions/pert.ts';
let t = performance.now();
const d = pert({min: 0.1, mode: 0.2, max: 0.4});
console.log('pert build ms', performance.now() - t);
t = performance.now();
const d2 = pert({min: 1.5, mode: 2.2, max: 3.5});
console.log('pert build ms', performance.now() - t, d.sample(0.3), d2.sample(0.5));
