/**
 * Element-wise operators of two or more inputs with numpy broadcasting: arithmetic (Add, Sub, Mul, Div, Mod, Pow,
 * the variadic Sum/Max/Min/Mean), comparisons, logical ops, BitShift, PRelu, Where and Cast. Float32 operands take
 * row kernels over broadcast runs; every other dtype goes through the general per-element path, which is also the
 * reference the fast paths are tested against. Integer arithmetic wraps at the dtype's width, as in C and numpy.
 */
package dev.vinfer.ops.binary;
