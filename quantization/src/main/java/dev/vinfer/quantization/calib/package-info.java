/**
 * The steps of static quantization: choosing what to quantize ({@code QuantizationPlan}), collecting activation
 * ranges over calibration runs ({@link dev.vinfer.quantization.calib.CalibrationMethod}: min/max, percentile or
 * entropy thresholds from histograms), writing the QDQ model, and measuring its error on the calibration inputs
 * ({@link dev.vinfer.quantization.calib.QuantizationReport}). Configured by
 * {@link dev.vinfer.quantization.calib.QuantizerOptions}; the usual entry point is
 * {@link dev.vinfer.quantization.Quantizer}:
 * {@snippet class=dev.vinfer.docs.ApiExamples region=quantize}
 */
package dev.vinfer.quantization.calib;
