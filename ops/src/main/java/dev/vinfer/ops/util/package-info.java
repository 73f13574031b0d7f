/** Numpy-style broadcasting arithmetic shared by the element-wise operator families. */
package dev.vinfer.ops.util;
