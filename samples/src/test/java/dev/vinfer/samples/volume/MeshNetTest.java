package dev.vinfer.samples.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorShapeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import dev.vinfer.testdata.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MeshNet brain model (meshnet_gwm.onnx) streamed slice by slice against ONNX Runtime. In the default run: a
 * 48 x 64 x 64 block from the middle of t1_crop.nii.gz (ONNX Runtime runs a copy of the model whose spatial input
 * dims are made symbolic; the model is fully convolutional); logits within 1e-5 relative L2 and at most 0.01% of the
 * labels different. With {@code -Dvinfer.heavy=true}: the whole 256^3 volume, whose label counts must match ONNX
 * Runtime's within 0.01% of the voxels (about 15.52M / 0.52M / 0.74M), both times printed.
 */
class MeshNetTest {
    private static final String MODEL = "models/meshnet-brain/meshnet_gwm.onnx";
    private static final String VOLUME = "models/meshnet-brain/t1_crop.nii.gz";

    @TempDir
    Path tmp;

    @Test
    void croppedBlockMatchesOnnxRuntime() throws IOException {
        NiftiVolume v = NiftiVolume.read(SharedData.require(VOLUME));
        int d = 48;
        int h = 64;
        int w = 64;
        float[] block = scaledBlock(v, 104, 96, 96, d, h, w);
        ConvChain chain = ConvChain.of(OnnxModel.load(SharedData.require(MODEL)).toGraph(new SessionOptions()), true);
        assertEquals(10, chain.layers().size(), chain.toString());
        float[] ours = SliceStreamTest.stream(chain, block, d, h, w, 2);
        Tensor ref;
        try (OrtReference ort = new OrtReference(symbolicDims(SharedData.require(MODEL)))) {
            ref = ort.run(Map.of("input", Tensor.of(block, 1, 1, d, h, w))).get("output");
        }
        double err = OrtReference.relL2(Tensor.of(ours, ref.shape()), ref);
        System.out.printf(Locale.ROOT, "MeshNet %dx%dx%d block: relative L2 error vs ONNX Runtime %.3g%n", d, h, w,
                err);
        assertTrue(err < 1e-5, "relative L2 error " + err);
        int voxels = d * h * w;
        int differ = 0;
        for (int i = 0; i < voxels; i++) {
            if (argmax(ours, i, voxels) != argmax(ref.floats(), i, voxels)) {
                differ++;
            }
        }
        assertTrue(differ <= voxels * 1e-4, differ + " of " + voxels + " labels differ");
    }

    @Test
    @EnabledIfSystemProperty(named = "vinfer.heavy", matches = "true")
    void wholeVolumeLabelCountsMatchOnnxRuntime() throws IOException {
        NiftiVolume v = NiftiVolume.read(SharedData.require(VOLUME));
        int n = v.data().length;
        VolumeSegmenter.Result ours;
        try (VolumeSegmenter seg = new VolumeSegmenter(SharedData.require(MODEL), 2, true)) {
            ours = seg.segment(v);
        }
        float[] x = scaledBlock(v, 0, 0, 0, 256, 256, 256);
        long t0 = System.nanoTime();
        Tensor ref;
        try (OrtReference ort = new OrtReference(SharedData.require(MODEL))) {
            ref = ort.run(Map.of("input", Tensor.of(x, 1, 1, 256, 256, 256))).get("output");
        }
        long ortMs = (System.nanoTime() - t0) / 1_000_000;
        long[] refCounts = new long[3];
        long differ = 0;
        for (int i = 0; i < n; i++) {
            int r = argmax(ref.floats(), i, n);
            refCounts[r]++;
            if (r != ours.labels()[i]) {
                differ++;
            }
        }
        System.out.printf(Locale.ROOT, "MeshNet 256^3: vinfer %d ms (streamed, 2 threads) %s; ONNX Runtime %d ms"
                + " (incl. session creation, 2 threads) %s; %d labels differ%n", ours.millis(),
                java.util.Arrays.toString(ours.counts()), ortMs, java.util.Arrays.toString(refCounts), differ);
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(ours.counts()[c] - refCounts[c]) <= n * 1e-4, "class " + c);
        }
        assertTrue(differ <= n * 1e-4, differ + " labels differ");
    }

    /** A min-max scaled [d][h][w] block starting at voxel (x0, y0, z0). */
    static float[] scaledBlock(NiftiVolume v, int z0, int y0, int x0, int d, int h, int w) {
        float[] block = new float[d * h * w];
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(v.data(), ((z0 + z) * v.ny() + y0 + y) * v.nx() + x0, block, (z * h + y) * w, w);
            }
        }
        float[] mm = VolumeSegmenter.minMax(block);
        float s = mm[1] > mm[0] ? 1f / (mm[1] - mm[0]) : 0f;
        for (int i = 0; i < block.length; i++) {
            block[i] = (block[i] - mm[0]) * s;
        }
        return block;
    }

    private static int argmax(float[] logits, int i, int voxels) {
        int best = 0;
        for (int c = 1; c * voxels + i < logits.length; c++) {
            if (logits[c * voxels + i] > logits[best * voxels + i]) {
                best = c;
            }
        }
        return best;
    }

    /** A copy of the model whose input and output spatial dims are symbolic, so ONNX Runtime takes any block. */
    private Path symbolicDims(Path model) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
        ModelProto.Builder b = m.toBuilder();
        var g = b.getGraphBuilder();
        for (int i = 0; i < g.getInputCount(); i++) {
            g.setInput(i, relax(g.getInput(i)));
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            g.setOutput(i, relax(g.getOutput(i)));
        }
        g.clearValueInfo();
        Path out = tmp.resolve("meshnet_any_size.onnx");
        Files.write(out, b.build().toByteArray());
        return out;
    }

    private static ValueInfoProto relax(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        TensorShapeProto.Builder s = b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        for (int d = 2; d < s.getDimCount(); d++) {
            s.setDim(d, TensorShapeProto.Dimension.newBuilder().setDimParam("s" + d));
        }
        return b.build();
    }
}
