package dev.vinfer.samples.volume;

import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.model;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed and the whole-volume paths give the same labels; a model that is not a chain runs whole. */
class VolumeSegmenterTest {
    @TempDir
    Path tmp;

    private static final int NX = 19;
    private static final int NY = 7;
    private static final int NZ = 6;

    private Path segModel(boolean chain) throws Exception {
        Random rnd = new Random(3);
        GraphProto.Builder g = GraphProto.newBuilder().setName("seg")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 1, NZ, NY, NX))
                .addInitializer(TensorProtos.encode(random(rnd, 4, 1, 3, 3, 3), "w0"))
                .addInitializer(TensorProtos.encode(random(rnd, 4), "b0"))
                .addInitializer(TensorProtos.encode(random(rnd, 3, 4, 1, 1, 1), "w1"))
                .addNode(node("Conv", new String[] {"x", "w0", "b0"}, new String[] {"c0"},
                        intsAttr("dilations", 2, 1, 1), intsAttr("pads", 2, 1, 1, 2, 1, 1)))
                .addNode(node("Relu", new String[] {"c0"}, new String[] {"r0"}))
                .addNode(node("Conv", new String[] {"r0", "w1"}, new String[] {"c1"}));
        if (chain) {
            g.addOutput(tensorInfo("c1", DType.FLOAT32, 1, 3, NZ, NY, NX));
        } else {
            // Adding the input's mean turns it into a graph that is not a plain chain of convolutions.
            g.addInitializer(TensorProtos.encode(Tensor.of(new float[] {0.1f, 0f, -0.1f}, 1, 3, 1, 1, 1), "k"))
                    .addNode(node("Add", new String[] {"c1", "k"}, new String[] {"y"}))
                    .addOutput(tensorInfo("y", DType.FLOAT32, 1, 3, NZ, NY, NX));
        }
        Path p = tmp.resolve(chain ? "chain.onnx" : "other.onnx");
        Files.write(p, model(g.build(), 13).toByteArray());
        return p;
    }

    private NiftiVolume volume() throws Exception {
        Random rnd = new Random(5);
        short[] v = new short[NX * NY * NZ];
        for (int i = 0; i < v.length; i++) {
            v[i] = (short) (rnd.nextInt(2000) - 300);
        }
        Path f = tmp.resolve("v.nii.gz");
        NiftiVolume.write(f, NiftiHeader.create(NX, NY, NZ, NiftiHeader.INT16), v);
        return NiftiVolume.read(f);
    }

    @Test
    void streamedAndWholeVolumeAgree() throws Exception {
        NiftiVolume v = volume();
        Path m = segModel(true);
        VolumeSegmenter.Result streamed;
        VolumeSegmenter.Result whole;
        try (VolumeSegmenter s = new VolumeSegmenter(m, 2, true)) {
            assertTrue(s.mode().startsWith("streamed"), s.mode());
            streamed = s.segment(v);
        }
        try (VolumeSegmenter s = new VolumeSegmenter(m, 2, false)) {
            assertTrue(s.mode().startsWith("whole volume"), s.mode());
            whole = s.segment(v);
        }
        assertArrayEquals(whole.labels(), streamed.labels());
        assertArrayEquals(whole.counts(), streamed.counts());
        assertEquals(NX * NY * NZ, java.util.Arrays.stream(streamed.counts()).sum());
    }

    @Test
    void aModelThatIsNotAChainRunsWhole() throws Exception {
        try (VolumeSegmenter s = new VolumeSegmenter(segModel(false), 1, true)) {
            assertTrue(s.mode().contains("is not a 3-D convolution or Relu"), s.mode());
            VolumeSegmenter.Result r = s.segment(volume());
            assertEquals(3, r.counts().length);
        }
    }

    private static Tensor random(Random rnd, int... shape) {
        float[] a = new float[dev.vinfer.runtime.Shapes.size(shape)];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() * 2 - 1;
        }
        return Tensor.of(a, shape);
    }
}
