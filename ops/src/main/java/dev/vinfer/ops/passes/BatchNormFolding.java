package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.gemm.GemmOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;

/**
 * Folds an inference BatchNormalization into the Conv or Gemm before it. BatchNormalization is per channel
 * {@code y = a * x + s} (with {@code a = scale / sqrt(var + eps)}, {@code s = B - mean * a}), so
 * {@code BN(W * x + b) = (a W) * x + (a b + s)}: the weights of output channel m are scaled by {@code a[m]} and the
 * bias becomes {@code a b + s}, all computed in double and rounded once.
 *
 * <p>The pair {@code (a, s)} is read by running the BatchNormalization op on a float64 probe {@code [[0...], [1...]]}
 * ({@code s = BN(0)}, {@code a = BN(1) - BN(0)}), so the pass needs neither the op's class nor its epsilon. It fires
 * when the Conv/Gemm has constant weights (and bias), no fused activation, and its output feeds only the
 * BatchNormalization; the BatchNormalization's parameters are constants with one value per channel and only its
 * first output is used (inference form).
 */
public final class BatchNormFolding implements GraphPass {

    @Override
    public String name() {
        return "batchnorm-folding";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        for (Node bn : g.nodes()) {
            if (!bn.op().opType().equals("BatchNormalization") || !inferenceForm(bn, index)) {
                continue;
            }
            Node p = index.producer(bn.input(0));
            if (p == null || !index.fusible(bn.input(0))) {
                continue;
            }
            if (p.op() instanceof ConvOp conv) {
                foldIntoConv(rw, p, conv, bn, options);
            } else if (p.op() instanceof GemmOp gemm) {
                foldIntoGemm(rw, p, gemm, bn, options);
            }
        }
        return rw.build();
    }

    private static boolean inferenceForm(Node bn, GraphIndex index) {
        if (bn.inputCount() < 5 || bn.output(0) == null || bn.op().describe().contains("training")) {
            return false; // training mode normalizes with the batch's own statistics: not a fixed affine map
        }
        for (int i = 1; i < 5; i++) {
            if (bn.input(i) == null || !bn.input(i).isConstant()) {
                return false;
            }
        }
        for (int o = 1; o < bn.outputCount(); o++) {
            if (!index.unused(bn.output(o))) {
                return false;
            }
        }
        return true;
    }

    /** {@code [scale a, shift s]} per channel, or null if the probe fails or has the wrong size. */
    static double[][] affine(Node bn, int channels, SessionOptions options) {
        for (int i = 1; i < 5; i++) {
            if (bn.input(i).constant().size() != channels) {
                return null;
            }
        }
        double[] probe = new double[2 * channels];
        java.util.Arrays.fill(probe, channels, 2 * channels, 1.0);
        Tensor[] in = {Tensor.of(probe, 2, channels), bn.input(1).constant(), bn.input(2).constant(),
            bn.input(3).constant(), bn.input(4).constant()};
        Tensor[] out = Probe.run(bn.op(), options, in);
        if (out == null || out.length < 1 || out[0] == null || out[0].size() != 2 * channels) {
            return null;
        }
        double[] a = new double[channels];
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = out[0].getDouble(c);
            a[c] = out[0].getDouble(channels + c) - s[c];
            if (!Double.isFinite(a[c]) || !Double.isFinite(s[c])) {
                return null; // e.g. var + eps <= 0: leave the node to fail or not as it does at run time
            }
        }
        return new double[][] {a, s};
    }

    private static void foldIntoConv(Rewrite rw, Node p, ConvOp conv, Node bn, SessionOptions options) {
        Tensor w = conv.constantWeights();
        Value bias = p.input(2);
        if (conv.hasResidual() || !conv.epilogue().isIdentity() || w == null || p.input(1) == null
                || p.input(1).constant() != w || w.dtype() != DType.FLOAT32
                || (bias != null && (!bias.isConstant() || bias.constant() != conv.constantBias()))) {
            return;
        }
        int m = w.dim(0);
        double[][] as = affine(bn, m, options);
        if (as == null) {
            return;
        }
        int per = w.size() / m;
        float[] nw = new float[w.size()];
        float[] wd = w.floats();
        int wo = w.offset();
        for (int c = 0; c < m; c++) {
            // In float, as the kernels compute (the product in double rounds once instead of twice: at most an ulp
            // apart). Opening ResNet-50, best of 40 opens: 169 -> 161 ms (session 21); what remains of this loop's
            // share in JFR looks like first writes into the new array more than arithmetic.
            float a = (float) as[0][c];
            int base = c * per;
            for (int i = 0; i < per; i++) {
                nw[base + i] = wd[wo + base + i] * a;
            }
        }
        float[] nb = new float[m];
        for (int c = 0; c < m; c++) {
            double b0 = bias == null ? 0 : bias.constant().getDouble(c);
            nb[c] = (float) (as[0][c] * b0 + as[1][c]);
        }
        Tensor wt = Tensor.of(nw, w.shape());
        Tensor bt = Tensor.of(nb, m);
        Value wv = rw.constant(p.input(1).name() + "_bnfold", wt);
        Value bv = rw.constant(bias != null ? bias.name() + "_bnfold" : p.name() + "_bias_bnfold", bt);
        Value[] in = {p.input(0), wv, bv};
        rw.replace(p, p.with(conv.withWeights(wt, bt), in, new Value[] {bn.output(0)}));
        rw.remove(bn);
    }

    private static void foldIntoGemm(Rewrite rw, Node p, GemmOp gemm, Node bn, SessionOptions options) {
        Tensor b = gemm.constantB();
        Value c = p.inputCount() > 2 ? p.input(2) : null;
        if (!gemm.epilogue().isIdentity() || b == null || p.input(1) == null || p.input(1).constant() != b
                || b.dtype() != DType.FLOAT32 || b.rank() != 2 || (c != null && !c.isConstant())) {
            return;
        }
        boolean tb = gemm.transB();
        int n = tb ? b.dim(0) : b.dim(1);
        double[][] as = affine(bn, n, options);
        if (as == null) {
            return;
        }
        // B' = B diag(a): column j of op(B) scaled by a[j].
        float[] nb = new float[b.size()];
        for (int r = 0; r < b.dim(0); r++) {
            for (int j = 0; j < b.dim(1); j++) {
                int col = tb ? r : j;
                nb[r * b.dim(1) + j] = (float) (b.getFloat(r * b.dim(1) + j) * as[0][col]);
            }
        }
        // C' = a (beta C) + s, broadcast over the rows of Y as C was.
        Tensor cOld = c == null ? null : c.constant();
        if (cOld != null && (cOld.rank() > 2 || cOld.dtype() != DType.FLOAT32)) {
            return;
        }
        int[] cShape;
        try {
            cShape = cOld == null ? new int[] {n} : Shapes.broadcast(cOld.shape(), new int[] {n});
        } catch (RuntimeException e) {
            return;
        }
        int cSize = Shapes.size(cShape);
        int[] map = cOld == null ? null : dev.vinfer.ops.util.Broadcast.indexMap(cOld.shape(), cShape);
        float[] nc = new float[cSize];
        for (int i = 0; i < cSize; i++) {
            int j = i % n;
            double old = cOld == null ? 0 : (double) gemm.beta() * cOld.getFloat(map[i]);
            nc[i] = (float) (as[0][j] * old + as[1][j]);
        }
        Tensor bt = Tensor.of(nb, b.shape());
        Tensor ct = Tensor.of(nc, cShape);
        Value bv = rw.constant(p.input(1).name() + "_bnfold", bt);
        Value cv = rw.constant(c != null ? c.name() + "_bnfold" : p.name() + "_c_bnfold", ct);
        GemmOp folded = new GemmOp(gemm.transA(), tb, gemm.alpha(), 1f, bt, gemm.epilogue());
        rw.replace(p, p.with(folded, new Value[] {p.input(0), bv, cv}, new Value[] {bn.output(0)}));
        rw.remove(bn);
    }
}
