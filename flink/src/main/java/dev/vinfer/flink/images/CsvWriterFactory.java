package dev.vinfer.flink.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;

/** Writes classifications as CSV part files, each starting with the header line. */
public final class CsvWriterFactory implements BulkWriter.Factory<Classification> {
    private static final long serialVersionUID = 1L;

    private final int top;

    public CsvWriterFactory(int top) {
        this.top = top;
    }

    @Override
    public BulkWriter<Classification> create(FSDataOutputStream out) throws IOException {
        out.write((ClassificationCsv.header(top) + "\n").getBytes(StandardCharsets.UTF_8));
        return new BulkWriter<>() {
            @Override
            public void addElement(Classification c) throws IOException {
                out.write((ClassificationCsv.line(c) + "\n").getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void finish() throws IOException {
                out.flush(); // the sink closes the stream
            }
        };
    }
}
