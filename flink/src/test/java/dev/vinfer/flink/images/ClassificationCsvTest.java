package dev.vinfer.flink.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationCsvTest {

    @Test
    void headerNamesEveryColumn() {
        assertEquals("path,index1,index2,label1,label2,probability1,probability2", ClassificationCsv.header(2));
    }

    @Test
    void labelsWithCommasAndQuotesRoundTrip() {
        Classification c = new Classification("/data/a, \"b\".png", new int[] {285, 7},
                new String[] {"tabby, tabby cat", "say \"cheese\""}, new float[] {0.91693425f, 1.1453887E-4f});
        String line = ClassificationCsv.line(c);
        assertEquals("\"/data/a, \"\"b\"\".png\",285,7,\"tabby, tabby cat\",\"say \"\"cheese\"\"\","
                + "0.91693425,1.1453887E-4", line);
        Classification back = ClassificationCsv.parse(line, 2);
        assertEquals(c.path(), back.path());
        assertArrayEquals(c.indices(), back.indices());
        assertArrayEquals(c.labels(), back.labels());
        assertArrayEquals(c.probabilities(), back.probabilities()); // Float.toString reads back exactly
    }

    @Test
    void emptyFieldsAndPlainFields() {
        assertEquals(List.of("", "a", ""), ClassificationCsv.fields(",a,"));
        assertEquals(List.of("x"), ClassificationCsv.fields("x"));
    }

    @Test
    void malformedLinesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationCsv.fields("\"open"));
        assertThrows(IllegalArgumentException.class, () -> ClassificationCsv.parse("a,1,b", 2));
    }

    @Test
    void imageNamesAreRecognizedByExtension() {
        assertEquals(true, ImageFolder.isImageName("a.PNG"));
        assertEquals(true, ImageFolder.isImageName("b.jpeg"));
        assertEquals(false, ImageFolder.isImageName("notes.txt"));
        assertEquals(false, ImageFolder.isImageName("png"));
        assertEquals(false, ImageFolder.isImageName(".png"));
    }
}
