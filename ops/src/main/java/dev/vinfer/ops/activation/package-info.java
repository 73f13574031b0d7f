/**
 * Element-wise activations (Relu, LeakyRelu, Sigmoid, HardSwish, Elu, Selu, Softplus, ...), Clip, and the
 * grouped Softmax / LogSoftmax / Hardmax. Shapes and dtypes pass through unchanged; the optimizer fuses most
 * activations that follow a convolution or matrix product into its epilogue, so these operators run only where no
 * fusion applies.
 */
package dev.vinfer.ops.activation;
