import betainc from '@stdlib/math-base-special-betainc';
const a=3,b=3;
let t=performance.now(); let s=0; for(let i=0;i<1e5;i++) s+=betainc(Math.random(),a,b); console.log('betainc ns', (performance.now()-t)/1e5*1e6);
import { standardBeta } from '../src/math/standard-beta.ts';
const d = standardBeta(a,b);
t=performance.now(); for(let i=0;i<1e6;i++) s+=d.sample(Math.random()); console.log('sample ns', (performance.now()-t)/1e6*1e6);
t=performance.now(); for(let i=0;i<1e6;i++) s+=d.sample(Math.random()); console.log('sample ns', (performance.now()-t)/1e6*1e6);
