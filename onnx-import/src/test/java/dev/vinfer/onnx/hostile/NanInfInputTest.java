package dev.vinfer.onnx.hostile;

import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN and infinities fed to common ops: nothing throws, and the outputs match ONNX Runtime's (NaN where it gives
 * NaN, the same infinities, the same index for ArgMax). Reductions and activations are where NaN handling
 * differs most between implementations.
 */
class NanInfInputTest {
    @TempDir
    Path tmp;

    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;
    /** One row per case: NaN first, in the middle, last; infinities of both signs; huge and tiny values. */
    private static final float[] X = {
        NAN, 1, -2, 3,
        4, NAN, -1, 0,
        INF, -INF, 2, NAN,
        INF, 1, -INF, 5,
        -0.0f, 3.4e38f, -3.4e38f, 1e-45f,
        INF, INF, -INF, -INF};
    private static final int ROWS = 6;

    private record Case(String op, AttributeProto... attrs) {
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Abs", "Neg", "Floor",
            "Ceil", "Round", "Sign", "Erf", "Elu", "Selu", "Softplus", "Softsign", "HardSigmoid", "HardSwish",
            "LeakyRelu", "Reciprocal", "IsNaN", "IsInf", "Identity"}) {
            c.add(new Case(op));
        }
        c.add(new Case("Softmax", intAttr("axis", 1)));
        c.add(new Case("LogSoftmax", intAttr("axis", 1)));
        c.add(new Case("Hardmax", intAttr("axis", 1)));
        c.add(new Case("ArgMax", intAttr("axis", 1)));
        c.add(new Case("ArgMin", intAttr("axis", 1)));
        for (String r : new String[] {"ReduceMax", "ReduceMin", "ReduceSum", "ReduceMean", "ReduceProd",
            "ReduceL2", "ReduceLogSumExp", "ReduceSumSquare"}) {
            c.add(new Case(r, Models.intsAttr("axes", 1)));
        }
        return c;
    }

    @Test
    void nanAndInfinityGiveTheSameOutputsAsOnnxRuntime() throws Exception {
        Tensor x = Tensor.of(X.clone(), ROWS, 4);
        List<String> differences = new ArrayList<>();
        for (Case c : cases()) {
            String op = c.op();
            DType outType = op.startsWith("Arg") ? DType.INT64 : op.startsWith("Is") ? DType.BOOL : DType.FLOAT32;
            GraphProto g = GraphProto.newBuilder().setName(op).addInput(tensorInfo("x", DType.FLOAT32, ROWS, 4))
                    .addOutput(tensorInfo("y", outType))
                    .addNode(node(op, new String[] {"x"}, new String[] {"y"}, c.attrs())).build();
            // Reduce ops take axes as an attribute up to opset 17 (ReduceSum: 12).
            int opset = op.equals("ReduceSum") ? 12 : 17;
            Path file = tmp.resolve(op + ".onnx");
            Files.write(file, Models.model(g, opset).toByteArray());
            Tensor want;
            try (OrtReference ort = new OrtReference(file)) {
                want = ort.run(Map.of("x", x)).get("y");
            }
            numpyNanRule(op, want);
            Tensor got;
            try (Session s = Vinfer.open(file, new SessionOptions().threads(1))) {
                got = s.run(Map.of("x", x)).get("y");
            } catch (dev.vinfer.onnx.UnsupportedOpException e) {
                continue; // not implemented (yet): nothing to compare
            }
            String d = compare(want, got);
            if (d != null) {
                differences.add(op + ": " + d);
            }
        }
        assertTrue(differences.isEmpty(), "differences from ONNX Runtime on NaN/Inf input:\n"
                + String.join("\n", differences));
    }

    /**
     * Where ONNX Runtime's NaN handling departs from the ONNX reference (numpy), vinfer follows numpy: Erf(NaN) is
     * NaN (ONNX Runtime 1.23 gives 1); ReduceMax/ReduceMin of a row with a NaN are NaN (ONNX Runtime drops a NaN
     * that is not first); ArgMax/ArgMin/Hardmax pick the first NaN (ONNX Runtime skips it, its Hardmax may set
     * nothing). This rewrites ONNX Runtime's answer for those rows.
     */
    private static void numpyNanRule(String op, Tensor want) {
        for (int r = 0; r < ROWS; r++) {
            int firstNaN = -1;
            for (int k = 3; k >= 0; k--) {
                if (Float.isNaN(X[r * 4 + k])) {
                    firstNaN = k;
                }
            }
            switch (op) {
                case "Erf" -> {
                    for (int k = 0; k < 4; k++) {
                        if (Float.isNaN(X[r * 4 + k])) {
                            want.setDouble(r * 4 + k, Double.NaN);
                        }
                    }
                }
                case "ReduceMax", "ReduceMin" -> {
                    if (firstNaN >= 0) {
                        want.setDouble(r, Double.NaN);
                    }
                }
                case "ArgMax", "ArgMin" -> {
                    if (firstNaN >= 0) {
                        want.setLong(r, firstNaN);
                    }
                }
                case "Hardmax" -> {
                    if (firstNaN >= 0) {
                        for (int k = 0; k < 4; k++) {
                            want.setDouble(r * 4 + k, k == firstNaN ? 1 : 0);
                        }
                    }
                }
                default -> {
                }
            }
        }
    }

    /** Null if equal: NaN matches NaN, infinities match exactly, finite values within 1e-5 relative. */
    private static String compare(Tensor want, Tensor got) {
        if (!java.util.Arrays.equals(want.shape(), got.shape())) {
            return "shape " + java.util.Arrays.toString(got.shape()) + ", ONNX Runtime "
                    + java.util.Arrays.toString(want.shape());
        }
        for (int i = 0; i < want.size(); i++) {
            double w = want.getDouble(i);
            double g = got.getDouble(i);
            boolean same = Double.isNaN(w) ? Double.isNaN(g)
                    : Double.isInfinite(w) ? w == g
                    : !Double.isNaN(g) && !Double.isInfinite(g) && Math.abs(w - g) <= 1e-5 * Math.max(1, Math.abs(w));
            if (!same) {
                return "element " + i + " is " + g + ", ONNX Runtime gives " + w + " (got " + TensorProtos
                        .encode(got, "y").getDimsList() + " " + java.util.Arrays.toString(got.toDoubleArray())
                        + ", want " + java.util.Arrays.toString(want.toDoubleArray()) + ")";
            }
        }
        return null;
    }
}
