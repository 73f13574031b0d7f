package dev.vinfer.onnx.mapping;

import static dev.vinfer.testdata.Models.floatAttr;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.model;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RNN, GRU and LSTM models against ONNX Runtime on random seeded configurations: every direction, both layouts,
 * every activation with explicit alpha/beta, clip, sequence lengths, initial states, peepholes, input_forget,
 * linear_before_reset, weights as initializers or as graph inputs, and omitted optional outputs. This pins our
 * reading of the spec (gate order, where clip applies, what Y_h is for short sequences) to the reference runtime.
 * ORT does not run layout 1, so for those cases ORT runs the layout-0 twin of the model and its inputs and outputs
 * are transposed.
 */
class RecurrentOrtTest {
    private static final String[] ACTIVATIONS = {"Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu",
        "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus"};
    /** Per element: ORT's fast sigmoid/tanh approximations and float sums over input + hidden terms per step. */
    private static final double ATOL = 2e-5;
    private static final double RTOL = 2e-4;
    /**
     * ONNX Runtime computes Softplus as log(1 + exp(x)), which is +inf above x of about 88 (float exp overflow), and a
     * following 0 x inf gives NaN; vinfer's stable form max(x, 0) + log1p(exp(-|x|)) stays finite. Random unbounded
     * gates (Softplus, Relu, Affine) grow the LSTM cell that far now and then, so elements where ONNX Runtime is not
     * finite are not compared, but counted: at most this share of all compared elements may be such.
     */
    private static final double MAX_NOT_COMPARABLE_SHARE = 0.02;
    /** Fixed so CI is repeatable; pass -Dvinfer.test.seed=N to explore others. */
    private static final long DEFAULT_SEED = 20261129L;

    private long compared;
    private long notComparable;

    @TempDir
    Path tmp;

    @Test
    void randomLayersMatchOnnxRuntime() throws Exception {
        long firstSeed = Long.getLong("vinfer.test.seed", DEFAULT_SEED);
        for (long seed = firstSeed; seed < firstSeed + Long.getLong("vinfer.test.seedCount", 1L); seed++) {
            runSeed(seed);
        }
    }

    private void runSeed(long seed) throws Exception {
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 45; iter++) {
            String op = new String[] {"RNN", "GRU", "LSTM"}[iter % 3];
            try {
                runCase(rnd, op, iter);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(op + " case " + iter + " (reproduce with -Dvinfer.test.seed=" + seed + "): "
                        + e.getMessage(), e);
            }
        }
        assertTrue(notComparable <= MAX_NOT_COMPARABLE_SHARE * compared, notComparable + " of " + compared
                + " elements not finite in ONNX Runtime or ill-conditioned (seed " + seed + ")");
    }

    private void runCase(Random rnd, String op, int iter) throws Exception {
        int gates = op.equals("RNN") ? 1 : op.equals("GRU") ? 3 : 4;
        int per = op.equals("RNN") ? 1 : op.equals("GRU") ? 2 : 3;
        String direction = new String[] {"forward", "reverse", "bidirectional"}[rnd.nextInt(3)];
        int dirs = direction.equals("bidirectional") ? 2 : 1;
        int seq = 1 + rnd.nextInt(6);
        int batch = 1 + rnd.nextInt(4);
        int input = 1 + rnd.nextInt(8);
        int hidden = 1 + rnd.nextInt(9);
        boolean batchMajor = rnd.nextBoolean();
        boolean weightsConstant = rnd.nextBoolean();

        List<AttributeProto> attrs = new ArrayList<>();
        attrs.add(intAttr("hidden_size", hidden));
        attrs.add(stringAttr("direction", direction));
        boolean clipped = rnd.nextInt(3) == 0;
        if (clipped) {
            attrs.add(floatAttr("clip", 0.3f + 2 * rnd.nextFloat()));
        }
        if (rnd.nextBoolean()) {
            // ORT gives Affine, ScaledTanh and ThresholdedRelu alpha/beta 0 when they run out (the spec says the
            // ops' defaults), so the list always carries one alpha and one beta per function.
            String[] names = new String[per * dirs];
            float[] alphas = new float[names.length];
            float[] betas = new float[names.length];
            // ORT's RNN kernel (unlike its GRU and LSTM) gives function i alphas[i] and betas[i] rather than
            // letting the functions that take them consume the values in order; equal values per list make both
            // readings agree.
            boolean positional = op.equals("RNN");
            float a0 = 0.1f + rnd.nextFloat();
            float b0 = rnd.nextFloat() - 0.5f;
            for (int i = 0; i < names.length; i++) {
                names[i] = ACTIVATIONS[rnd.nextInt(ACTIVATIONS.length)];
                alphas[i] = positional ? a0 : 0.1f + rnd.nextFloat();
                betas[i] = positional ? b0 : rnd.nextFloat() - 0.5f;
            }
            attrs.add(stringsAttr("activations", names));
            if (!clipped && List.of(names).contains("Softplus")) {
                // ONNX Runtime's float log(1 + exp(x)) is 0 below x of about -17 (and loses digits from -5 down)
                // where vinfer's log1p form keeps e^x; an unbounded gate grows to 1e8 in six steps and turns that
                // difference into whole units (seeds 60321207480358, 60321207480385, 198, 1282). A clip keeps
                // every activation's input in [-2.3, 2.3], where both forms agree; unclipped Softplus is checked
                // against the double reference in RecurrentOpTest.
                attrs.add(floatAttr("clip", 0.3f + 2 * rnd.nextFloat()));
            }
            attrs.add(floatsAttr("activation_alpha", alphas));
            attrs.add(floatsAttr("activation_beta", betas));
        }
        if (op.equals("GRU") && rnd.nextBoolean()) {
            attrs.add(intAttr("linear_before_reset", 1));
        }
        if (op.equals("LSTM") && rnd.nextInt(3) == 0) {
            attrs.add(intAttr("input_forget", 1));
        }

        Map<String, Tensor> feeds = new LinkedHashMap<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        String[] inputNames = new String[op.equals("LSTM") ? 8 : 6];
        java.util.Arrays.fill(inputNames, "");
        inputNames[0] = "X";
        feeds.put("X", random(rnd, 1f, seq, batch, input));
        Map<String, Tensor> weights = weightsConstant ? initializers : feeds;
        inputNames[1] = "W";
        weights.put("W", random(rnd, 0.6f, dirs, gates * hidden, input));
        inputNames[2] = "R";
        weights.put("R", random(rnd, 0.6f, dirs, gates * hidden, hidden));
        if (rnd.nextBoolean()) {
            inputNames[3] = "B";
            weights.put("B", random(rnd, 0.5f, dirs, 2 * gates * hidden));
        }
        if (rnd.nextBoolean()) {
            int[] lens = new int[batch];
            for (int i = 0; i < batch; i++) {
                lens[i] = 1 + rnd.nextInt(seq);
            }
            inputNames[4] = "sequence_lens";
            feeds.put("sequence_lens", Tensor.of(lens, batch));
        }
        int[] stateShape = {dirs, batch, hidden};
        if (rnd.nextBoolean()) {
            inputNames[5] = "initial_h";
            feeds.put("initial_h", random(rnd, 1f, stateShape));
        }
        if (op.equals("LSTM")) {
            if (rnd.nextBoolean()) {
                inputNames[6] = "initial_c";
                feeds.put("initial_c", random(rnd, 1f, stateShape));
            }
            if (rnd.nextBoolean()) {
                inputNames[7] = "P";
                weights.put("P", random(rnd, 0.5f, dirs, 3 * hidden));
            }
        }
        int lastInput = inputNames.length - 1;
        while (inputNames[lastInput].isEmpty()) {
            lastInput--;
        }
        String[] outputNames = op.equals("LSTM") ? new String[] {"Y", "Y_h", "Y_c"} : new String[] {"Y", "Y_h"};
        List<String> usedOutputs = new ArrayList<>();
        for (int i = 0; i < outputNames.length; i++) {
            if (rnd.nextInt(4) == 0 && !(i == outputNames.length - 1 && usedOutputs.isEmpty())) {
                outputNames[i] = "";
            } else {
                usedOutputs.add(outputNames[i]);
            }
        }
        int lastOutput = outputNames.length - 1;
        while (outputNames[lastOutput].isEmpty()) {
            lastOutput--;
        }

        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase());
        for (int i = 0; i <= lastInput; i++) {
            node.addInput(inputNames[i]);
        }
        for (int i = 0; i <= lastOutput; i++) {
            node.addOutput(outputNames[i]);
        }
        node.addAllAttribute(attrs);
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addNode(node);
        for (var e : feeds.entrySet()) {
            g.addInput(tensorInfo(e.getKey(), e.getValue().dtype(), longs(e.getValue().shape())));
        }
        for (var e : initializers.entrySet()) {
            g.addInitializer(TensorProtos.encode(e.getValue(), e.getKey()));
        }
        for (String o : usedOutputs) {
            // Shapes left unknown: ORT infers them, and vinfer does not need them.
            g.addOutput(dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto.newBuilder().setName(o).setType(
                    dev.vinfer.onnx.proto.OnnxIr.TypeProto.newBuilder().setTensorType(
                            dev.vinfer.onnx.proto.OnnxIr.TypeProto.Tensor.newBuilder().setElemType(
                                    TensorProtos.onnxTypeOf(DType.FLOAT32)))));
        }
        Path file = tmp.resolve("case" + iter + ".onnx");
        Files.write(file, model(g.build(), 14).toByteArray());
        Map<String, Tensor> want;
        try (OrtReference ort = new OrtReference(file)) {
            want = ort.run(feeds);
        }
        Map<String, Tensor> got;
        if (batchMajor) {
            attrs.add(intAttr("layout", 1));
            GraphProto.Builder g1 = g.clone();
            g1.setNode(0, g1.getNode(0).toBuilder().addAttribute(intAttr("layout", 1)));
            Map<String, Tensor> feeds1 = new LinkedHashMap<>();
            for (var e : feeds.entrySet()) {
                Tensor t = e.getValue();
                boolean layoutDependent = List.of("X", "initial_h", "initial_c").contains(e.getKey());
                feeds1.put(e.getKey(), layoutDependent ? swap01(t) : t);
            }
            for (int i = 0; i < g1.getInputCount(); i++) {
                Tensor t = feeds1.get(g1.getInput(i).getName());
                g1.setInput(i, tensorInfo(g1.getInput(i).getName(), t.dtype(), longs(t.shape())));
            }
            try (Session s = Vinfer.open(model(g1.build(), 14).toByteArray(), new SessionOptions())) {
                got = new LinkedHashMap<>(s.run(feeds1));
            }
            for (var e : got.entrySet()) {
                e.setValue(e.getValue().rank() == 3 ? swap01(e.getValue()) : yToSeqMajor(e.getValue()));
            }
        } else {
            try (Session s = Vinfer.open(model(g.build(), 14).toByteArray(), new SessionOptions())) {
                got = s.run(feeds);
            }
        }
        String what = op + " " + attrs.stream().map(RecurrentOrtTest::describe).toList() + " seq=" + seq + " batch=" + batch
                + " input=" + input + " hidden=" + hidden + " inputs=" + String.join(",", inputNames)
                + " outputs=" + usedOutputs;
        byte[] layout0 = model(g.build(), 14).toByteArray();
        List<Map<String, Tensor>> perturbed = new ArrayList<>();
        for (String o : usedOutputs) {
            compare(what + " output " + o, want.get(o), got.get(o), () -> {
                if (perturbed.isEmpty()) {
                    perturbed.addAll(perturbedRuns(layout0, feeds, iter));
                }
                return perturbed.stream().map(m -> m.get(o)).toList();
            });
        }
    }

    /**
     * vinfer on X with relative noise of 1e-6, 1e-5 and 1e-4 (two draws each). An element that moves by more than
     * the tolerance under such noise is decided by rounding (a ThresholdedRelu gate within an ulp of its threshold,
     * a state that exploded and then saturated), and a different float order in ONNX Runtime may land on the other
     * side: such an element is ill-conditioned, counted but not compared. (Seed 236: a GRU with Relu gates, 0.09966
     * here against 0.09997 in ONNX Runtime, which fails without this.)
     */
    private static List<Map<String, Tensor>> perturbedRuns(byte[] model, Map<String, Tensor> feeds, long seed)
            throws Exception {
        Random noise = new Random(seed);
        List<Map<String, Tensor>> runs = new ArrayList<>();
        try (Session s = Vinfer.open(model, new SessionOptions())) {
            for (double eps : new double[] {1e-6, 1e-6, 1e-5, 1e-5, 1e-4, 1e-4}) {
                Map<String, Tensor> f = new LinkedHashMap<>(feeds);
                Tensor x = feeds.get("X");
                float[] v = x.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] *= (float) (1 + eps * (noise.nextDouble() * 2 - 1));
                }
                f.put("X", Tensor.of(v, x.shape()));
                runs.add(new LinkedHashMap<>(s.run(f)));
            }
        }
        return runs;
    }

    @Test
    void attributeErrorsNameTheNode() {
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("X", DType.FLOAT32, 2, 1, 3))
                .addInitializer(TensorProtos.encode(Tensor.zeros(DType.FLOAT32, 1, 4, 3), "W"))
                .addInitializer(TensorProtos.encode(Tensor.zeros(DType.FLOAT32, 1, 4, 4), "R"))
                .addNode(NodeProto.newBuilder().setOpType("RNN").setName("rnn7").addInput("X").addInput("W")
                        .addInput("R").addOutput("Y").addAttribute(stringAttr("direction", "sideways")))
                .addOutput(tensorInfo("Y", DType.FLOAT32, 2, 1, 1, 4)).build();
        ModelException e = assertThrows(ModelException.class,
                () -> Vinfer.open(model(g, 14).toByteArray(), new SessionOptions()));
        assertTrue(e.getMessage().contains("rnn7") && e.getMessage().contains("sideways"), e.getMessage());
        GraphProto g7 = g.toBuilder().setNode(0, g.getNode(0).toBuilder().clearAttribute()
                .addAttribute(intAttr("layout", 1))).build();
        e = assertThrows(ModelException.class, () -> Vinfer.open(model(g7, 7).toByteArray(), new SessionOptions()));
        assertTrue(e.getMessage().contains("layout"), e.getMessage());
    }

    @Test
    void zeroLengthSequenceKeepsTheInitialState() throws Exception {
        // The spec allows a zero length: that entry never steps, so Y stays 0 and Y_h is the initial state.
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("X", DType.FLOAT32, 2, 2, 1))
                .addInput(tensorInfo("L", DType.INT32, 2))
                .addInput(tensorInfo("H", DType.FLOAT32, 1, 2, 1))
                .addInitializer(TensorProtos.encode(Tensor.of(new float[] {1}, 1, 1, 1), "W"))
                .addInitializer(TensorProtos.encode(Tensor.of(new float[] {0}, 1, 1, 1), "R"))
                .addNode(NodeProto.newBuilder().setOpType("RNN").setName("rnn").addInput("X").addInput("W")
                        .addInput("R").addInput("").addInput("L").addInput("H").addOutput("Y").addOutput("Y_h")
                        .addAttribute(stringsAttr("activations", new String[] {"Relu"})))
                .addOutput(tensorInfo("Y", DType.FLOAT32, 2, 1, 2, 1))
                .addOutput(tensorInfo("Y_h", DType.FLOAT32, 1, 2, 1)).build();
        try (Session s = Vinfer.open(model(g, 14).toByteArray(), new SessionOptions())) {
            Map<String, Tensor> out = s.run(Map.of("X", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2, 1),
                    "L", Tensor.of(new int[] {2, 0}, 2), "H", Tensor.of(new float[] {7, 8}, 1, 2, 1)));
            assertEquals(java.util.List.of(1f, 0f, 3f, 0f), boxed(out.get("Y")));
            assertEquals(java.util.List.of(3f, 8f), boxed(out.get("Y_h")));
        }
    }

    private static String describe(AttributeProto a) {
        return a.getName() + "=" + switch (a.getType()) {
            case INT -> String.valueOf(a.getI());
            case FLOAT -> String.valueOf(a.getF());
            case STRING -> a.getS().toStringUtf8();
            case STRINGS -> a.getStringsList().stream().map(com.google.protobuf.ByteString::toStringUtf8).toList()
                    .toString();
            case FLOATS -> a.getFloatsList().toString();
            default -> "?";
        };
    }

    private static List<Float> boxed(Tensor t) {
        List<Float> l = new ArrayList<>();
        for (float f : t.toFloatArray()) {
            l.add(f);
        }
        return l;
    }

    private interface Runs {
        List<Tensor> get() throws Exception;
    }

    private void compare(String what, Tensor want, Tensor got, Runs perturbed) throws Exception {
        if (got == null || !java.util.Arrays.equals(want.shape(), got.shape())) {
            fail(what + ": got " + got + ", expected shape " + java.util.Arrays.toString(want.shape()));
        }
        for (int i = 0; i < want.size(); i++) {
            double w = want.getDouble(i);
            double g = got.getDouble(i);
            compared++;
            if (!Double.isFinite(w)) {
                notComparable++;
                continue;
            }
            if (!(Math.abs(w - g) <= ATOL + RTOL * Math.abs(w)) && !illConditioned(i, g, perturbed.get())) {
                fail(what + ": element " + i + " is " + g + ", ONNX Runtime " + w);
            }
        }
    }

    private boolean illConditioned(int i, double g, List<Tensor> perturbed) {
        for (Tensor t : perturbed) {
            double p = t.getDouble(i);
            if (!(Math.abs(p - g) <= ATOL + RTOL * Math.abs(g))) {
                notComparable++;
                return true;
            }
        }
        return false;
    }

    private static Tensor random(Random rnd, float scale, int... shape) {
        float[] a = new float[dev.vinfer.runtime.Shapes.size(shape)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return Tensor.of(a, shape);
    }

    /** [a, b, c] to [b, a, c]. */
    private static Tensor swap01(Tensor t) {
        int a = t.dim(0);
        int b = t.dim(1);
        int c = t.dim(2);
        float[] v = t.toFloatArray();
        float[] out = new float[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * c, out, (j * a + i) * c, c);
            }
        }
        return Tensor.of(out, b, a, c);
    }

    /** Y of layout 1 [batch, seq, dirs, hidden] to layout 0 [seq, dirs, batch, hidden]. */
    private static Tensor yToSeqMajor(Tensor y) {
        int batch = y.dim(0);
        int seq = y.dim(1);
        int dirs = y.dim(2);
        int hidden = y.dim(3);
        float[] v = y.toFloatArray();
        float[] out = new float[v.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                for (int d = 0; d < dirs; d++) {
                    System.arraycopy(v, ((b * seq + t) * dirs + d) * hidden, out, ((t * dirs + d) * batch + b) * hidden,
                            hidden);
                }
            }
        }
        return Tensor.of(out, seq, dirs, batch, hidden);
    }

    private static long[] longs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }

    private static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    private static AttributeProto stringsAttr(String name, String[] v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.STRINGS);
        for (String s : v) {
            a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(s));
        }
        return a.build();
    }

    private static AttributeProto floatsAttr(String name, float[] v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.FLOATS);
        for (float f : v) {
            a.addFloats(f);
        }
        return a.build();
    }
}
