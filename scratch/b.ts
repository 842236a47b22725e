import { standardBeta } from '/work/main/src/math/standard-beta.ts';
import betaincinv from '@stdlib/math-base-special-betaincinv';
for (const [a,b] of [[3,3],[2.6,3.4],[1.5,4.5],[1,5],[0.5,0.5],[1.8,4.2]]) {
  let t=performance.now(); const d = standardBeta(a,b); const build=performance.now()-t;
  t=performance.now(); let s=0; const N=200000; for(let i=0;i<N;i++) s+=d.sample(Math.random()); const per=(performance.now()-t)/N*1e6;
  let maxErr=0; for(let i=0;i<20000;i++){const u=Math.random(); const e=Math.abs(d.sample(u)-betaincinv(u,a,b)); if(e>maxErr) maxErr=e;}
  console.log(a,b,'build ms',build.toFixed(1),'ns/sample',per.toFixed(0),'maxErr',maxErr);
}
