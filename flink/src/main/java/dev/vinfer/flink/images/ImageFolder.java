package dev.vinfer.flink.images;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** Flink's file source over folders of images: every PNG, JPEG, GIF and BMP file below them, read whole. */
public final class ImageFolder {
    /** Image files larger than this are refused (a decoded photo of that size would not fit a task anyway). */
    public static final long MAX_IMAGE_BYTES = 256L << 20;

    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");

    private ImageFolder() {
    }

    /** A bounded source of the image files found in {@code folders} (and their sub-folders) when the job starts. */
    public static FileSource<ImageFile> source(String... folders) {
        Path[] paths = new Path[folders.length];
        for (int i = 0; i < folders.length; i++) {
            paths[i] = new Path(folders[i]);
        }
        return FileSource.forBulkFileFormat(new WholeFileFormat(MAX_IMAGE_BYTES), paths)
                .setFileEnumerator(ImageEnumerator::new)
                .build();
    }

    /** True for a file name with an image extension. */
    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Hidden entries and Flink's {@code _} files are skipped, like the default filter does. */
    static boolean isVisible(Path p) {
        String name = p.getName();
        return !name.startsWith(".") && !name.startsWith("_");
    }

    /** Walks folders recursively; keeps visible files with an image extension, one split per file. */
    private static final class ImageEnumerator extends NonSplittingRecursiveEnumerator {
        ImageEnumerator() {
            super(ImageFolder::isVisible);
        }

        @Override
        protected void convertToSourceSplits(FileStatus file, FileSystem fs, List<FileSourceSplit> target)
                throws IOException {
            if (isImageName(file.getPath().getName())) {
                super.convertToSourceSplits(file, fs, target);
            }
        }
    }
}
