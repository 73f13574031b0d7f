package dev.vinfer.ops.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.Shapes;
import org.junit.jupiter.api.Test;

class BroadcastRowsTest {

    @Test
    void equalShapesAreOneRow() {
        BroadcastRows rows = BroadcastRows.of(new int[] {3, 4, 5}, new int[] {3, 4, 5}, new int[] {3, 4, 5});
        assertEquals(1, rows.rows);
        assertEquals(60, rows.rowLength);
        assertArrayEquals(new int[] {1, 1}, rows.innerStride);
    }

    @Test
    void scalarOperandIsOneRowWithStrideZero() {
        BroadcastRows rows = BroadcastRows.of(new int[] {2, 3}, new int[] {2, 3}, new int[] {1, 1});
        assertEquals(1, rows.rows);
        assertEquals(6, rows.rowLength);
        assertArrayEquals(new int[] {1, 0}, rows.innerStride);
    }

    @Test
    void rowsMatchTheReferenceIndexMap() {
        int[][][] cases = {
            {{3, 4, 5}, {3, 4, 5}, {5}},
            {{3, 4, 5, 6}, {1, 4, 1, 6}, {3, 1, 5, 6}},
            {{2, 3, 4}, {2, 1, 4}, {3, 1}, {1}},
            {{4, 1, 3}, {4, 1, 1}, {1, 1, 3}},
            {{2, 3, 4, 5}, {2, 3, 1, 1}, {2, 3, 4, 5}},
            {{1, 1}, {1}, {1, 1}},
        };
        for (int[][] c : cases) {
            int[] out = c[0];
            int[][] in = java.util.Arrays.copyOfRange(c, 1, c.length);
            BroadcastRows rows = BroadcastRows.of(out, in);
            assertEquals(Shapes.size(out), rows.rows * rows.rowLength);
            for (int j = 0; j < in.length; j++) {
                int[] expected = Broadcast.indexMap(in[j], out);
                int[] actual = new int[expected.length];
                for (int r = 0; r < rows.rows; r++) {
                    for (int i = 0; i < rows.rowLength; i++) {
                        actual[r * rows.rowLength + i] = rows.rowStart[j][r] + i * rows.innerStride[j];
                    }
                }
                assertArrayEquals(expected, actual, "input " + j + " of case " + java.util.Arrays.deepToString(c));
            }
        }
    }
}
