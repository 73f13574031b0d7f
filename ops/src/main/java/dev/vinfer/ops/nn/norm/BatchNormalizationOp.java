package dev.vinfer.ops.nn.norm;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * BatchNormalization on {@code X [N, C, D...]} with inputs {@code scale, B, mean, var}.
 *
 * <p>Inference: {@code Y = (X - mean) / sqrt(var + epsilon) * scale + B} per channel, or per activation (one
 * parameter per {@code (c, d...)}, the legacy {@code spatial=0} form). Training: the statistics are the batch's own
 * mean and population variance per channel; the outputs are then {@code Y}, and, when asked for, the updated
 * running statistics {@code mean * momentum + batch_mean * (1 - momentum)} (likewise for var), in the dtype of the
 * mean input.
 */
public final class BatchNormalizationOp implements Operator {
    private final double epsilon;
    private final boolean perActivation;
    private final boolean training;
    private final double momentum;
    private final boolean runningStatsOutputs;
    /** A Relu fused after it (inference only: pre-activation nets such as DenseNet, BatchNorm then Relu). */
    private final boolean relu;

    /**
     * @param runningStatsOutputs in training, also produce outputs 1 and 2 (running mean and variance)
     */
    public BatchNormalizationOp(double epsilon, boolean perActivation, boolean training, double momentum,
            boolean runningStatsOutputs) {
        this(epsilon, perActivation, training, momentum, runningStatsOutputs, false);
    }

    private BatchNormalizationOp(double epsilon, boolean perActivation, boolean training, double momentum,
            boolean runningStatsOutputs, boolean relu) {
        if (runningStatsOutputs && !training) {
            throw new VinferException("BatchNormalization produces running statistics in training mode only");
        }
        if (perActivation && training) {
            throw new VinferException("training-mode BatchNormalization with per-activation statistics is not "
                    + "supported");
        }
        this.epsilon = epsilon;
        this.perActivation = perActivation;
        this.training = training;
        this.momentum = momentum;
        this.runningStatsOutputs = runningStatsOutputs;
        this.relu = relu;
    }

    /** Whether a following Relu can run inside this op: inference with per-channel parameters, not fused yet. */
    public boolean canFuseRelu() {
        return !training && !perActivation && !runningStatsOutputs && !relu;
    }

    /** This op with a Relu on its output ({@link #canFuseRelu} must hold). */
    public BatchNormalizationOp withRelu() {
        if (!canFuseRelu()) {
            throw new IllegalStateException("BatchNormalization " + describe() + " cannot take a Relu");
        }
        return new BatchNormalizationOp(epsilon, false, false, 0, false, true);
    }

    public boolean relu() {
        return relu;
    }

    /** Inference with per-channel parameters (what the blocked layout's BatchNorm computes). */
    public boolean perChannelInference() {
        return !training && !perActivation && !runningStatsOutputs;
    }

    public double epsilon() {
        return epsilon;
    }

    /**
     * The per-channel {@code y = x * a + b} of inference from the four parameters ({@code scale, B, mean, var}, one
     * value per channel each): {@code {a, b}}, in double, as the op computes them.
     */
    public double[][] affine(Tensor scale, Tensor bias, Tensor mean, Tensor var) {
        Tensor[] in = {null, scale, bias, mean, var};
        int channels = scale == null ? 0 : scale.size();
        return affine(param(in, 1, "scale", channels), param(in, 2, "B", channels), param(in, 3, "mean", channels),
                param(in, 4, "var", channels), epsilon);
    }

    /** {@code a = scale / sqrt(var + eps)}, {@code b = B - mean * a}, element by element: {@code {a, b}}. */
    private static double[][] affine(double[] scale, double[] bias, double[] mean, double[] var, double epsilon) {
        double[] a = new double[scale.length];
        double[] b = new double[scale.length];
        for (int j = 0; j < a.length; j++) {
            a[j] = scale[j] / Math.sqrt(var[j] + epsilon);
            b[j] = bias[j] - mean[j] * a[j];
        }
        return new double[][] {a, b};
    }

    /** Inference with per-channel parameters. */
    public static BatchNormalizationOp inference(double epsilon) {
        return new BatchNormalizationOp(epsilon, false, false, 0, false);
    }

    @Override
    public String opType() {
        return "BatchNormalization";
    }

    @Override
    public String describe() {
        return training ? "training mode" : perActivation ? "per-activation" : relu ? "+Relu" : "";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("BatchNormalization takes float32 or float64, not " + x.dtype().displayName());
        }
        if (x.rank() < 2) {
            throw new VinferException("BatchNormalization needs an input [N, C, ...], got " + x);
        }
        int batch = x.dim(0);
        int channels = x.dim(1);
        int inner = batch * channels == 0 ? 0 : x.size() / (batch * channels);
        int params = perActivation ? channels * inner : channels;
        double[] scale = param(inputs, 1, "scale", params);
        double[] bias = param(inputs, 2, "B", params);
        double[] mean = param(inputs, 3, "mean", params);
        double[] var = param(inputs, 4, "var", params);
        double[] useMean = mean;
        double[] useVar = var;
        if (training) {
            useMean = new double[channels];
            useVar = new double[channels];
            batchStatistics(x, batch, channels, inner, useMean, useVar);
        }
        // y = x * a + b
        double[][] ab = affine(scale, bias, useMean, useVar, epsilon);
        double[] a = ab[0];
        double[] b = ab[1];
        Tensor y = ctx.output(0, x.dtype(), x.shape());
        if (x.dtype() == DType.FLOAT32 && !perActivation && !runningStatsOutputs) {
            FloatBatchNorm.run(x, y, a, b, channels, inner, relu, ctx.parallel());
            return ctx.result(y);
        }
        double[] buf = new double[inner];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int off = (n * channels + c) * inner;
                DoubleBuffers.read(x, off, buf, 0, inner);
                for (int i = 0; i < inner; i++) {
                    int j = perActivation ? c * inner + i : c;
                    double v = buf[i] * a[j] + b[j];
                    buf[i] = relu ? Math.max(v, 0d) : v;
                }
                DoubleBuffers.write(y, off, buf, 0, inner);
            }
        }
        if (!runningStatsOutputs) {
            return ctx.result(y);
        }
        Tensor runningMean = ctx.output(1, inputs[3].dtype(), inputs[3].shape());
        Tensor runningVar = ctx.output(2, inputs[4].dtype(), inputs[4].shape());
        double[] rm = new double[channels];
        double[] rv = new double[channels];
        for (int c = 0; c < channels; c++) {
            rm[c] = mean[c] * momentum + useMean[c] * (1 - momentum);
            rv[c] = var[c] * momentum + useVar[c] * (1 - momentum);
        }
        DoubleBuffers.write(runningMean, 0, rm, 0, channels);
        DoubleBuffers.write(runningVar, 0, rv, 0, channels);
        return new Tensor[] {y, runningMean, runningVar};
    }

    /** Per-channel mean and population variance over the batch and spatial dims. */
    private static void batchStatistics(Tensor x, int batch, int channels, int inner, double[] mean,
            double[] var) {
        double[] buf = new double[inner];
        double count = (double) batch * inner;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int n = 0; n < batch; n++) {
                DoubleBuffers.read(x, (n * channels + c) * inner, buf, 0, inner);
                s += Moments.mean(buf, 0, inner) * inner;
            }
            double m = s / count;
            double ss = 0;
            for (int n = 0; n < batch; n++) {
                DoubleBuffers.read(x, (n * channels + c) * inner, buf, 0, inner);
                ss += Moments.variance(buf, 0, inner, m) * inner;
            }
            mean[c] = m;
            var[c] = ss / count;
        }
    }

    private static double[] param(Tensor[] inputs, int i, String name, int expected) {
        Tensor t = inputs[i];
        if (t == null) {
            throw new VinferException("BatchNormalization needs input '" + name + "'");
        }
        if (t.size() != expected) {
            throw new VinferException("BatchNormalization " + name + " has " + t.size() + " elements, expected "
                    + expected);
        }
        return DoubleBuffers.readAll(t);
    }
}
