package dev.vinfer.samples.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ValueInfo;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImagePresetTest {

    private static ValueInfo input(DType dtype, long... dims) {
        return new ValueInfo("x", dtype, dims, Arrays.asList(new String[dims.length]));
    }

    @Test
    void sizeFollowsAFixedModelInputAndStaysForASymbolicOne() {
        ImagePreset imagenet = ImagePreset.named("imagenet");
        ImagePreset fitted = imagenet.fitTo(input(DType.FLOAT32, 1, 3, 299, 320));
        assertEquals(320, fitted.width());
        assertEquals(299, fitted.height());
        ImagePreset symbolic = imagenet.fitTo(input(DType.FLOAT32, -1, 3, -1, -1));
        assertEquals(224, symbolic.width());
        ImagePreset nhwc = imagenet.withLayout(Layout.NHWC).fitTo(input(DType.FLOAT32, 1, 160, 128, 3));
        assertEquals(128, nhwc.width());
        assertEquals(160, nhwc.height());
        assertArrayEquals(new int[] {1, 160, 128, 3}, nhwc.shape());
    }

    @Test
    void modelsThatDoNotFitAreRejectedInOneLine() {
        ImagePreset imagenet = ImagePreset.named("imagenet");
        var grey = assertThrows(IllegalArgumentException.class,
                () -> imagenet.fitTo(input(DType.FLOAT32, 1, 1, 28, 28)));
        assertTrue(grey.getMessage().contains("1 channel(s)") && grey.getMessage().contains("mnist preset"),
                grey.getMessage());
        var nhwc = assertThrows(IllegalArgumentException.class,
                () -> imagenet.fitTo(input(DType.FLOAT32, 1, 224, 224, 3)));
        assertTrue(nhwc.getMessage().contains("looks NHWC"), nhwc.getMessage());
        var rank = assertThrows(IllegalArgumentException.class, () -> imagenet.fitTo(input(DType.FLOAT32, 1, 784)));
        assertTrue(rank.getMessage().contains("rank 2"), rank.getMessage());
        var dtype = assertThrows(IllegalArgumentException.class,
                () -> imagenet.fitTo(input(DType.UINT8, 1, 3, 224, 224)));
        assertTrue(dtype.getMessage().contains("uint8"), dtype.getMessage());
        for (var e : new Exception[] {grey, nhwc, rank, dtype}) {
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ImagePreset.named("nonsense"));
    }

    @Test
    void prepareAppliesThePolicyAndReturnsTheMapBack() {
        BufferedImage img = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        ImagePreset.Prepared p = ImagePreset.named("imagenet").prepare(img);
        assertArrayEquals(new int[] {1, 3, 224, 224}, p.tensor().shape());
        assertEquals(58 * 400.0 / 341, p.toOriginal().x(0), 1e-9, "the 256/224 center crop");
        ImagePreset.Prepared m = ImagePreset.named("mnist").prepare(img);
        assertArrayEquals(new int[] {1, 1, 28, 28}, m.tensor().shape());
        assertEquals(400, m.toOriginal().x(28), 1e-9);
        ImagePreset.Prepared y = ImagePreset.named("yolo").withSize(320, 320).prepare(img);
        assertEquals(114f / 255, y.tensor().getFloat(0), 1e-6f, "letterbox padding at the top");
        assertEquals(0, y.toOriginal().y(40), 1e-9, "400x300 -> 320x240 leaves 40 rows above");
        ImagePreset caffe = ImagePreset.named("caffe");
        assertEquals(ChannelOrder.BGR, caffe.channels());
        assertEquals(-103.939f, caffe.prepare(img).tensor().getFloat(0), 1e-4f, "black minus the blue mean");
    }
}
