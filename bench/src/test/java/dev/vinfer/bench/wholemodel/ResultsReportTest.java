package dev.vinfer.bench.wholemodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report reads JMH's CSV: per-fork engine rows and the interleaved benchmark's counters. */
class ResultsReportTest {
    private static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\","
            + "\"Score Error (99.9%)\",\"Unit\",\"Param: engine\",\"Param: model\",\"Param: threads\"\n";

    @Test
    void interleavedCountersGiveMeanTimesPerRun(@TempDir Path dir) throws Exception {
        String p = "\"dev.vinfer.bench.wholemodel.InterleavedModelBenchmark.blocks";
        Path csv = dir.resolve("r.csv");
        Files.writeString(csv, HEADER
                + p + "\",\"avgt\",1,4,23.2,NaN,\"ms/op\",,m5audio,1\n"
                + p + ":ortMs\",\"avgt\",1,4,1800.0,NaN,\"#\",,m5audio,1\n"
                + p + ":ortRuns\",\"avgt\",1,4,900.0,NaN,\"#\",,m5audio,1\n"
                + p + ":vinferMs\",\"avgt\",1,4,1350.0,NaN,\"#\",,m5audio,1\n"
                + p + ":vinferRuns\",\"avgt\",1,4,900.0,NaN,\"#\",,m5audio,1\n"
                + "\"dev.vinfer.bench.wholemodel.WholeModelBenchmark.run\",\"avgt\",1,3,2.0,0.1,\"ms/op\",ORT,m5audio,1\n");
        List<ResultsReport.Row> rows = ResultsReport.read(csv);
        assertArrayEquals(new double[] {2.0, 1.5}, ResultsReport.interleaved(rows, "m5audio", "1"), 1e-12);
        assertNull(ResultsReport.interleaved(rows, "m5audio", "2"));
        String table = ResultsReport.interleavedTable(rows);
        assertTrue(table.contains("| m5audio | 1 | 2.00 | 1.50 | 1.33 | >= 1.2 | yes |"), table);
        // the per-fork table still needs both engines' rows: one engine alone gives no ratio
        assertTrue(ResultsReport.table(rows).contains("| m5audio | 0.14 | 1 | 2.00 ± 0.10 | - | - | - | >= 1.2 | - |"),
                ResultsReport.table(rows));
    }
}
