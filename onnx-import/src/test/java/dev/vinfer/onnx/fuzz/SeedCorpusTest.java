package dev.vinfer.onnx.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed corpus as plain regression tests: every seed opens, and runs on generated inputs within the contract. */
class SeedCorpusTest {
    @Test
    void everySeedOpensAndRunsWithinTheContract() throws Exception {
        List<Path> seeds = Seeds.files();
        assertTrue(seeds.size() >= 100, "seed corpus has " + seeds.size() + " models");
        for (Path p : seeds) {
            byte[] bytes = Files.readAllBytes(p);
            try (Session s = Vinfer.open(bytes, FuzzTarget.options(true))) {
                assertTrue(s.outputs().size() > 0, p.toString());
            }
            for (long inputSeed = 0; inputSeed < 3; inputSeed++) {
                FuzzTarget.loadAndRun(bytes, inputSeed, inputSeed % 2 == 0);
            }
        }
    }
}
