package dev.vinfer.conv.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The touch-ahead arithmetic: every touch of every tile inside the array, slices that cover the next block. */
class TouchAheadTest {
    @Test
    void strideCoversTheNextBlockAcrossTheTilesAndNeverSkipsALine() {
        // ResNet's 512@7x7 direct chunk: 144 steps a tile, 7 tiles, next chunk 144 x 32 floats
        int s = TouchAhead.stride(144 * 32, 7, 144);
        assertEquals(5, s); // ceil(4608 / 1008)
        assertTrue(7L * 144 * s >= 144 * 32);
        assertEquals(16, TouchAhead.stride(1 << 20, 2, 10), "capped at a line");
        assertEquals(1, TouchAhead.stride(1, 100, 100));
    }

    @Test
    void nothingToTouchOrASingleTileGivesZero() {
        assertEquals(0, TouchAhead.stride(0, 7, 144));
        assertEquals(0, TouchAhead.stride(-5, 7, 144));
        assertEquals(0, TouchAhead.stride(4096, 1, 144));
        assertEquals(0, TouchAhead.stride(4096, 7, 0));
    }

    @Test
    void startsAreConsecutiveSlicesAndStayInsideTheArray() {
        int steps = 144;
        int stride = 5;
        int size = 10_000;
        int from = 2_000;
        for (int tile = 0; tile < 20; tile++) {
            int b = TouchAhead.start(from, tile, steps, stride, size);
            long want = from + (long) tile * steps * stride;
            if (want + (long) steps * stride <= size) {
                assertEquals(want, b, "tile " + tile);
            } else {
                assertEquals(-1, b, "tile " + tile + " would leave the array");
            }
        }
        // the last index a tile touches is start + (steps - 1) * stride
        int last = TouchAhead.start(0, 0, 10, 16, 160);
        assertEquals(0, last);
        assertEquals(-1, TouchAhead.start(0, 0, 10, 16, 159));
        assertEquals(-1, TouchAhead.start(-1, 0, 10, 1, 1000), "no next block");
        assertEquals(-1, TouchAhead.start(0, 3, 10, 0, 1000), "stride 0");
        assertEquals(-1, TouchAhead.start(Integer.MAX_VALUE - 10, 1000, 1000, 16, Integer.MAX_VALUE), "no overflow");
    }
}
