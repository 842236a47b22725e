import betainc from '@stdlib/math-base-special-betainc';
import betaincinv from '@stdlib/math-base-special-betaincinv';
const a=3,b=3;
// accuracy of betaincinv vs betainc roundtrip
let worst=0;
for (let i=0;i<10000;i++){const u=Math.random(); const x=betaincinv(u,a,b); const e=Math.abs(betainc(x,a,b)-u); if(e>worst) worst=e;}
console.log('roundtrip cdf err', worst);
