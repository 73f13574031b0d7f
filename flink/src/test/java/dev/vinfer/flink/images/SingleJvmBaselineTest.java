package dev.vinfer.flink.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleJvmBaselineTest {

    @Test
    void findsTheFilesTheJobsSourceReads(@TempDir Path tmp) throws Exception {
        List<Path> images = TestImages.write(tmp, 7, 3); // also a text file and a hidden image
        List<Path> found = SingleJvmBaseline.imageFiles(List.of(tmp));
        assertEquals(images.stream().sorted().toList(), found);
    }
}
