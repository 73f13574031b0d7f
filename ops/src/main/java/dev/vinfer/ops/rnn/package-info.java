/**
 * Recurrent layers: RNN, GRU and LSTM in forward, reverse and bidirectional form, with sequence lengths, initial
 * states, peepholes and the ONNX activation choices.
 */
package dev.vinfer.ops.rnn;
