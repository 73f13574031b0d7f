package dev.vinfer.flink.images;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A file source format that reads each file whole, as one {@link ImageFile} record. Files are not split (an
 * image cannot be decoded from a slice), and the record carries the file's path, which a stream format would not
 * know. Reads through Flink's file systems, so the job works on {@code file://}, {@code hdfs://}, {@code s3://}...
 */
public final class WholeFileFormat implements BulkFormat<ImageFile, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** Larger files are refused rather than read into one array (a Java array holds at most 2 GB). */
    private final long maxFileBytes;

    public WholeFileFormat(long maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public Reader<ImageFile> createReader(Configuration config, FileSourceSplit split) {
        return new OneRecordReader(split, maxFileBytes, false);
    }

    @Override
    public Reader<ImageFile> restoreReader(Configuration config, FileSourceSplit split) {
        // A split whose record was already emitted before the checkpoint has nothing left to read.
        boolean done = split.getReaderPosition().map(p -> p.getRecordsAfterOffset() > 0).orElse(false);
        return new OneRecordReader(split, maxFileBytes, done);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ImageFile> getProducedType() {
        return TypeInformation.of(ImageFile.class);
    }

    /** Hands out the whole file as the single record of a single batch. */
    private static final class OneRecordReader implements BulkFormat.Reader<ImageFile> {
        private final FileSourceSplit split;
        private final long maxFileBytes;
        private boolean done;

        OneRecordReader(FileSourceSplit split, long maxFileBytes, boolean done) {
            this.split = split;
            this.maxFileBytes = maxFileBytes;
            this.done = done;
        }

        @Override
        public RecordIterator<ImageFile> readBatch() throws IOException {
            if (done) {
                return null;
            }
            done = true;
            Path path = split.path();
            long size = split.fileSize();
            if (size > maxFileBytes) {
                throw new IOException("image file " + path + " has " + size + " bytes; the limit is " + maxFileBytes);
            }
            byte[] bytes = new byte[(int) size];
            FileSystem fs = path.getFileSystem();
            try (FSDataInputStream in = fs.open(path)) {
                int off = 0;
                while (off < bytes.length) {
                    int n = in.read(bytes, off, bytes.length - off);
                    if (n < 0) {
                        throw new IOException("image file " + path + " ended after " + off + " of " + size
                                + " bytes (changed while the job ran?)");
                    }
                    off += n;
                }
            }
            SingletonResultIterator<ImageFile> it = new SingletonResultIterator<>();
            // Position "after one record": a checkpoint taken now restores to a reader with nothing left.
            it.set(new ImageFile(displayPath(path), bytes), CheckpointedPosition.NO_OFFSET, 1);
            return it;
        }

        @Override
        public void close() {
        }
    }

    /** Local files as plain paths ({@code /data/a.png}), others as URIs ({@code s3://bucket/a.png}). */
    static String displayPath(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme == null || scheme.equals("file") ? path.toUri().getPath() : path.toString();
    }
}
