// The pool's entry. piscina require()s its filename first, and Node 20.19+
// would load an ES module through require(esm): a worker terminated in the
// middle of that (Ctrl-C while the pool starts) aborts the whole process
// with a V8 fatal error. From CommonJS, chunk.mjs is reached by import(),
// which a termination stops cleanly.
module.exports = import('./chunk.mjs').then((m) => m.default);
